//go:build e2e && linux

package realkernel

import (
	"math"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
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
	// -max-metrics 0: every value, to compare with ipvsadm; the default
	// budget is tested on fixture trees (the plugins' budget_test.go).
	res := testbin.Run(t, kernel.Bin(t, name), nil, append([]string{"-max-metrics", "0", "-tempfile", state}, args...)...)
	_, stamp := testbin.Values(t, res.Stdout)
	return run{res: res, values: testbin.ValueMap(t, res.Stdout), stamp: stamp}
}

// perMinute is the rate a plugin must print for a counter that grew by
// delta between the times from and to.
func perMinute(delta uint64, from, to int64) float64 {
	return float64(delta) * 60 / float64(to-from)
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
