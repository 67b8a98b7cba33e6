//go:build e2e

package umlipvs

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/testbin"
	"github.com/procnet/mackerel-plugin-proc-net/internal/uml"
)

// run is one run of a metric plugin with its values and their time.
type run struct {
	res    testbin.Result
	values map[string]float64
	stamp  int64
}

// runPlugin runs a metric plugin with a state file.
func runPlugin(t *testing.T, name, state string, args ...string) run {
	t.Helper()
	res := testbin.Run(t, uml.Bin(t, name), nil, append([]string{"-tempfile", state}, args...)...)
	_, stamp := testbin.Values(t, res.Stdout)
	return run{res: res, values: testbin.ValueMap(t, res.Stdout), stamp: stamp}
}

// ageState moves the previous run of a state file a minute into the past
// and returns its new time. A plugin skips rates over less than a second;
// ageing the state keeps a case from depending on how fast it runs, and
// the expected rate is computed from the times actually used.
func ageState(t *testing.T, path string) int64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatalf("state %s: %v", path, err)
	}
	last, ok := st["_lastTime"].(float64)
	if !ok {
		t.Fatalf("state %s has no _lastTime: %s", path, b)
	}
	st["_lastTime"] = last - 60
	if b, err = json.Marshal(st); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return int64(last) - 60
}

// perMinute is the rate a plugin must print for a counter that grew by
// delta between the times from and to.
func perMinute(delta uint64, from, to int64) float64 {
	return float64(delta) * 60 / float64(to-from)
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
