package testbin

import (
	"encoding/json"
	"maps"
	"os"
	"slices"
	"testing"
)

// EveryValue runs bin with args, which name state as its -tempfile, then
// again with the state's _lastTime moved back 60 s, and returns the values
// of the second run. It fails unless that run printed exactly the first
// run's keys plus a rate for every counter the first saved, and neither
// set is empty: the whole of what the plugin can print on that input.
func EveryValue(tb testing.TB, bin, state string, args ...string) map[string]float64 {
	tb.Helper()
	res := Run(tb, bin, nil, args...)
	if res.ExitCode != 0 {
		tb.Fatalf("first run: exit %d, stderr %q", res.ExitCode, res.Stderr)
	}
	first := slices.Collect(maps.Keys(ValueMap(tb, res.Stdout)))
	b, err := os.ReadFile(state)
	if err != nil {
		tb.Fatal(err)
	}
	var saved map[string]any
	if err := json.Unmarshal(b, &saved); err != nil {
		tb.Fatalf("state %s: %v", state, err)
	}
	last, ok := saved["_lastTime"].(float64)
	if !ok {
		tb.Fatalf("state %s has no _lastTime: %s", state, b)
	}
	delete(saved, "_lastTime")
	counters := slices.Collect(maps.Keys(saved))
	saved["_lastTime"] = int64(last) - 60
	if b, err = json.Marshal(saved); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(state, b, 0o600); err != nil {
		tb.Fatal(err)
	}
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
