package metricout

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var t0 = time.Unix(1_800_000_000, 0)

func TestWriterGaugesAndFirstRun(t *testing.T) {
	var out, errs bytes.Buffer
	path := filepath.Join(t.TempDir(), "state.json")
	w := NewWriter(&out, &errs, "p.x", path, t0)
	w.Gauge("size", 7)
	w.GaugeKey([]byte("a.b"), 1)
	w.Counter("c.d", 100) // first run: no rate
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := "p.x.size\t7\t1800000000\np.x.a.b\t1\t1800000000\n"
	if out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
	var st map[string]any
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	if st["_lastTime"] != float64(1800000000) || st["p.x.c.d"] != float64(100) || len(st) != 2 {
		t.Errorf("state %v: want _lastTime and the counter only", st)
	}
}

func TestWriterRates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	write := func(content string) {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, state, wantOut, wantErr string
		keepsState                    bool
	}{
		{"rate over 30 s", `{"_lastTime":1799999970,"p.c":100}`, "p.c\t60\t1800000000\n", "", false},
		{"counter went back", `{"_lastTime":1799999940,"p.c":1000}`, "", "", false},
		{"gap too long", `{"_lastTime":1799990000,"p.c":1}`, "", "", false},
		{"state of this second", `{"_lastTime":1800000000,"p.c":1}`, "", "under a second ago", true},
		{"state from the future (clock stepped back an hour)", `{"_lastTime":1800003600,"p.c":1}`, "", "written 1h0m0s after this run's time (the clock stepped back?), starting afresh", false},
		{"state a second ahead", `{"_lastTime":1800000001,"p.c":1}`, "", "written 1s after this run's time", false},
		{"empty state", ``, "", "not valid JSON", false},
		{"truncated state", `{"_lastTime":17999`, "", "not valid JSON", false},
		{"foreign state", `[1,2,3]`, "", "not valid JSON", false},
		{"state without time", `{"p.c":1}`, "", "no valid _lastTime", false},
		{"helper's state with other values", `{"_lastTime":1799999940,"p.c":40,".last_diff.p.c":3,"other":"x"}`, "p.c\t90\t1800000000\n", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			write(tt.state)
			var out, errs bytes.Buffer
			w := NewWriter(&out, &errs, "p", path, t0)
			w.Counter("c", 130)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.wantOut {
				t.Errorf("output %q, want %q", out.String(), tt.wantOut)
			}
			if tt.wantErr == "" && errs.Len() > 0 || !strings.Contains(errs.String(), tt.wantErr) {
				t.Errorf("stderr %q, want %q", errs.String(), tt.wantErr)
			}
			b, _ := os.ReadFile(path)
			if tt.keepsState != (string(b) == tt.state) {
				t.Errorf("state now %q (kept: %v, want kept: %v)", b, string(b) == tt.state, tt.keepsState)
			}
		})
	}
}

func TestWriterUnwritableStateStillPrintsValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no-such-dir", "state.json")
	var out, errs bytes.Buffer
	w := NewWriter(&out, &errs, "p", path, t0)
	w.Gauge("g", 1)
	w.Counter("c", 1)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if out.String() != "p.g\t1\t1800000000\n" {
		t.Errorf("output %q", out.String())
	}
	if !strings.Contains(errs.String(), "rates will be missing on the next run") {
		t.Errorf("stderr %q does not explain the state problem", errs.String())
	}
}

func TestStateRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	values := map[string]float64{"p.a": 1, "p.b.c": 1e19, "p.d": 0.5, "odd\"key": 3}
	if err := saveState(path, t0, values); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatalf("saved state is not JSON: %v\n%s", err, b)
	}
	st, err := loadState(path, t0)
	if err != nil || !st.time.Equal(t0) || len(st.values) != len(values) {
		t.Fatalf("loaded %+v, %v", st, err)
	}
	for k, v := range values {
		if st.values[k] != v {
			t.Errorf("%s = %v, want %v", k, st.values[k], v)
		}
	}
}

// After the clock stepped back an hour, the state from the future is
// replaced at once (one line on stderr), and the next run a minute later
// gives the true rate, not one over the hour that never was.
func TestWriterStateFromTheFuture(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, []byte(`{"_lastTime":1800003600,"p.c":100}`), 0o600); err != nil {
		t.Fatal(err)
	}
	runAt := func(now time.Time, v uint64) (string, string) {
		var out, errs bytes.Buffer
		w := NewWriter(&out, &errs, "p", path, now)
		w.Counter("c", v)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return out.String(), errs.String()
	}
	out, errs := runAt(t0, 160)
	if out != "" || strings.Count(errs, "the clock stepped back?") != 1 || strings.Count(errs, "\n") != 1 {
		t.Errorf("first run after the step: output %q, stderr %q; want no rate and one line saying why", out, errs)
	}
	out, errs = runAt(t0.Add(time.Minute), 220)
	if out != "p.c\t60\t1800000060\n" || errs != "" {
		t.Errorf("next run: output %q, stderr %q; want the rate of 60 per minute, nothing on stderr", out, errs)
	}
}

// TestWriterUnreadableState: a state that exists but cannot be used (here
// a directory) is no memory: no rate, and one line naming the program
// and the file.
func TestWriterUnreadableState(t *testing.T) {
	path := t.TempDir()
	var out, errs bytes.Buffer
	w := NewWriter(&out, &errs, "p", path, t0)
	w.program = "prog"
	w.Counter("c", 100)
	w.Close()
	if out.String() != "" {
		t.Errorf("printed %q without a state", out.String())
	}
	if !strings.HasPrefix(errs.String(), "prog: state file "+path+" is a directory") || strings.Count(errs.String(), "\n") != 1 {
		t.Errorf("stderr %q", errs.String())
	}
}
