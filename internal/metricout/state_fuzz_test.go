package metricout

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/statefile"
)

// FuzzLoadState feeds loadState any file content up to 1 MiB (the
// decoder's inputs; larger files Open refuses at maxStateSize): it never
// panics, a state it accepts was written no later than the run, and what
// it accepts saves and loads back the same.
func FuzzLoadState(f *testing.F) {
	for _, seed := range []string{
		`{"_lastTime":1700000000,"proc.net.arp.size":4,"_budget.notice":12}`,
		`{"_lastTime":1700000000,"a":"text","b":[1,2],"c":null}`,
		`{"_lastTime":4e9}`, `{"_lastTime":-1}`, `{}`, `[]`, `null`, "", "\x00",
		`{"_lastTime":1700000000,"x":1e308,"y":-0}`,
	} {
		f.Add([]byte(seed))
	}
	now := time.Unix(1_800_000_000, 0)
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<20 {
			return
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "state.json")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		st, err := loadState(path, now)
		if errors.Is(err, statefile.ErrUntrusted) {
			t.Fatalf("a file of the user's own refused: %v", err)
		}
		if err != nil || st.values == nil {
			return
		}
		if st.time.After(now) || st.time.Unix() <= 0 {
			t.Fatalf("accepted a state of time %v for a run at %v", st.time, now)
		}
		again := filepath.Join(dir, "again.json")
		if err := saveState(again, st.time, st.values); err != nil {
			t.Fatal(err)
		}
		back, err := loadState(again, now)
		if err != nil || !back.time.Equal(st.time) {
			t.Fatalf("saved state loads as %v, %v; want time %v", back.time, err, st.time)
		}
		for k, v := range st.values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			if got, ok := back.values[k]; !ok || got != v {
				t.Fatalf("%q: %v saved, %v (%v) loaded", k, v, got, ok)
			}
		}
	})
}
