package testbin

import (
	"encoding/json"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
)

// EveryValue runs bin with args, which name state as its -tempfile, then
// again with the state aged (AgeState), and returns the values of the
// second run. It fails unless that run printed exactly the first run's
// keys plus a rate for every counter the first saved, and neither set is
// empty: the whole of what the plugin can print on that input.
func EveryValue(tb testing.TB, bin, state string, args ...string) map[string]float64 {
	tb.Helper()
	res := Run(tb, bin, nil, args...)
	if res.ExitCode != 0 {
		tb.Fatalf("first run: exit %d, stderr %q", res.ExitCode, res.Stderr)
	}
	first := slices.Collect(maps.Keys(ValueMap(tb, res.Stdout)))
	var counters []string
	for k := range readState(tb, state) {
		if !strings.HasPrefix(k, "_") { // _lastTime, what a plugin remembers
			counters = append(counters, k)
		}
	}
	AgeState(tb, state)
	res = Run(tb, bin, nil, args...)
	if res.ExitCode != 0 {
		tb.Fatalf("second run: exit %d, stderr %q", res.ExitCode, res.Stderr)
	}
	second := ValueMap(tb, res.Stdout)
	want := slices.Sorted(slices.Values(append(first, counters...)))
	if got := slices.Sorted(maps.Keys(second)); len(first) == 0 || len(counters) == 0 || !slices.Equal(got, want) {
		tb.Fatalf("first run printed %d values and saved %d counters; second run printed\n%v\nwant\n%v", len(first), len(counters), got, want)
	}
	return second
}

// AgeState moves the previous run of a state file a minute into the past
// and returns its new time. A plugin skips rates over less than a second;
// ageing the state keeps a case from depending on how fast it runs, and
// the expected rate is computed from the times actually used.
func AgeState(tb testing.TB, path string) int64 {
	tb.Helper()
	st := readState(tb, path)
	last, ok := st["_lastTime"].(float64)
	if !ok {
		tb.Fatalf("state %s has no _lastTime", path)
	}
	st["_lastTime"] = last - 60
	b, err := json.Marshal(st)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
	return int64(last) - 60
}

func readState(tb testing.TB, path string) map[string]any {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal(b, &st); err != nil {
		tb.Fatalf("state %s: %v", path, err)
	}
	return st
}
