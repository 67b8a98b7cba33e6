package testbin

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Printed is what one run of Oscillate printed: the keys a run printed, and its stderr.
type Printed struct {
	Keys   []string
	Stderr string
}

// Oscillate runs bin once per root, a minute apart on one state (as the
// agent runs it), with args, and returns what each run printed. A table
// that oscillates is given as roots alternating between two trees.
func Oscillate(tb testing.TB, bin string, roots []string, args ...string) []Printed {
	tb.Helper()
	state := filepath.Join(tb.TempDir(), "s.json")
	var runs []Printed
	for i, root := range roots {
		if i > 0 {
			AgeState(tb, state)
		}
		res := Run(tb, bin, nil, append(slices.Clone(args), "-procfs-root", root, "-tempfile", state)...)
		if res.ExitCode != 0 {
			tb.Fatalf("run %d: exit %d, stderr %q", i, res.ExitCode, res.Stderr)
		}
		runs = append(runs, Printed{slices.Sorted(maps.Keys(ValueMap(tb, res.Stdout))), res.Stderr})
	}
	return runs
}

// KeysOf returns the keys of a run that have one of the prefixes.
func KeysOf(r Printed, prefixes ...string) []string {
	var keys []string
	for _, k := range r.Keys {
		for _, p := range prefixes {
			if strings.HasPrefix(k, p) {
				keys = append(keys, k)
				break
			}
		}
	}
	return keys
}
