package checkarptable

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/internal/statefile"
)

func TestTrackOverflows(t *testing.T) {
	now := time.Unix(1700000000, 0)
	tests := []struct {
		name     string
		previous string // state file content; "" for none
		total    uint64
		bootID   string
		want     overflows
		grew     uint64
	}{
		{"first run", "", 5, "b1", overflows{Known: true, Total: 5}, 0},
		{"unchanged", `{"program":"check-arp-table","family":"inet","table_fulls":5,"boot_id":"b1"}`, 5, "b1",
			overflows{Known: true, Total: 5, HasPrevious: true, Previous: 5}, 0},
		{"grew", `{"program":"check-arp-table","family":"inet","table_fulls":5,"boot_id":"b1"}`, 8, "b1",
			overflows{Known: true, Total: 8, HasPrevious: true, Previous: 5}, 3},
		{"went back (reboot)", `{"program":"check-arp-table","family":"inet","table_fulls":5}`, 2, "",
			overflows{Known: true, Total: 2, HasPrevious: true, Previous: 5, Reset: true}, 2},
		{"went back to 0 (reboot, no overflow since)", `{"program":"check-arp-table","family":"inet","table_fulls":5}`, 0, "",
			overflows{Known: true, Total: 0, HasPrevious: true, Previous: 5, Reset: true}, 0},
		{"other boot", `{"program":"check-arp-table","family":"inet","table_fulls":5,"boot_id":"b1"}`, 9, "b2",
			overflows{Known: true, Total: 9, HasPrevious: true, Previous: 5, Reset: true}, 9},
		{"boot unknown on one side", `{"program":"check-arp-table","family":"inet","table_fulls":5}`, 9, "b2",
			overflows{Known: true, Total: 9, HasPrevious: true, Previous: 5}, 4},
		{"empty", " \n", 5, "", overflows{Known: true, Total: 5}, 0},
		{"corrupt", `{"program":"check-arp-table","fam`, 5, "", overflows{Known: true, Total: 5}, 0},
		{"foreign", `{"last":{"proc.net.arp.size":3}}`, 5, "", overflows{Known: true, Total: 5}, 0},
		{"other family", `{"program":"check-arp-table","family":"inet6","table_fulls":1}`, 5, "", overflows{Known: true, Total: 5}, 0},
		{"a JSON list", `[1,2]`, 5, "", overflows{Known: true, Total: 5}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if tt.previous != "" {
				if err := os.WriteFile(path, []byte(tt.previous), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			got := trackOverflows(path, "inet", tt.total, tt.bootID, 5*time.Minute, now)
			tt.want.Window, tt.want.InWindow = 5*time.Minute, tt.grew
			if got != tt.want || got.Grew() != tt.grew {
				t.Errorf("got %+v (grew %d), want %+v (grew %d)", got, got.Grew(), tt.want, tt.grew)
			}
			var saved state
			b, err := os.ReadFile(path)
			if err == nil {
				err = json.Unmarshal(b, &saved)
			}
			want := state{Program: programName, Family: "inet", TableFulls: tt.total, BootID: tt.bootID, Time: now.Unix()}
			if tt.grew > 0 {
				want.Overflows = []overflowEvent{{Time: now.Unix(), Count: tt.grew}}
			}
			if err != nil || !reflect.DeepEqual(saved, want) {
				t.Errorf("saved %q (%v), want %+v", b, err, want)
			}
		})
	}
}

func TestTrackOverflowsUnwritable(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "no-such-dir", "state.json")
	got := trackOverflows(path, "inet", 3, "", time.Minute, time.Now())
	if got.SaveErr == nil || !strings.Contains(got.SaveErr.Error(), path) || got.Grew() != 0 {
		t.Errorf("%+v", got)
	}
	// A directory at the state's path is no state: it is moved aside and
	// the state saved in its place.
	if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	got = trackOverflows(filepath.Join(dir, "d"), "inet", 3, "", time.Minute, time.Now())
	if !errors.Is(got.Untrusted, statefile.ErrUntrusted) || got.SaveErr != nil || got.HasPrevious {
		t.Errorf("%+v", got)
	}
	if fi, err := os.Lstat(filepath.Join(dir, "d")); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("not replaced by a state: %v, %v", fi, err)
	}
}

// A state in a directory others may write without the sticky bit is
// refused and cannot be replaced: the check is UNKNOWN, naming the file
// and the reason, never OK.
func TestUntrustedStateThatCannotBeReplaced(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "state.json")
	opts := testOptions(t)
	opts.StateFile = path
	s, _ := fixtureSources(t, "arp-table-container-rows", neighTable(100, 1024, 4), nil)
	c := run(opts, s, "", time.Now())
	if c.Status != checkers.UNKNOWN || !strings.Contains(c.Message, path) || !strings.Contains(c.Message, "writable by other users") {
		t.Errorf("%s: %s", c.Status, c.Message)
	}
}

// TestOverflowWindow: an overflow keeps every definition of the table
// CRITICAL for its own window, counted from the run that saw it, whichever
// definition that was; the history is pruned after a day and capped.
func TestOverflowWindow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	t0 := time.Unix(1700000000, 0)
	step := func(total uint64, window time.Duration, at time.Duration) overflows {
		t.Helper()
		return trackOverflows(path, "inet", total, "b1", window, t0.Add(at))
	}
	step(0, 5*time.Minute, -time.Minute)
	for _, tt := range []struct {
		name     string
		total    uint64
		window   time.Duration
		at       time.Duration
		inWindow uint64
	}{
		{"the run that sees the overflow", 17, 5 * time.Minute, 0, 17},
		{"another definition a second later", 17, 10 * time.Minute, time.Second, 17},
		{"one minute later", 17, 5 * time.Minute, time.Minute, 17},
		{"a one-minute window has passed", 17, time.Minute, time.Minute, 0},
		{"four minutes later", 17, 5 * time.Minute, 4 * time.Minute, 17},
		{"five minutes later: over", 17, 5 * time.Minute, 5 * time.Minute, 0},
		{"a ten-minute window still holds it", 17, 10 * time.Minute, 5 * time.Minute, 17},
		{"three more", 20, 10 * time.Minute, 6 * time.Minute, 20},
		{"the first ten minutes on", 20, 10 * time.Minute, 10 * time.Minute, 3},
		{"a day on, the longest window is empty", 20, 24 * time.Hour, 25 * time.Hour, 0},
	} {
		if got := step(tt.total, tt.window, tt.at); got.InWindow != tt.inWindow {
			t.Errorf("%s: %d overflows in the window, want %d (%+v)", tt.name, got.InWindow, tt.inWindow, got)
		}
	}
	st, ok, err := loadState(path, "inet")
	if !ok || err != nil || len(st.Overflows) != 0 {
		t.Errorf("history after a day: %+v %v %v, want none", st.Overflows, ok, err)
	}
	// Overflows on every run of a day and more: the newest are kept.
	var events []overflowEvent
	for i := range maxOverflowEvents + 10 {
		events = append(events, overflowEvent{Time: t0.Unix() + int64(i), Count: 1})
	}
	kept := recent(events, t0.Add(-time.Hour))
	if len(kept) != maxOverflowEvents || kept[len(kept)-1] != events[len(events)-1] {
		t.Errorf("kept %d events ending %+v", len(kept), kept[len(kept)-1])
	}
	if b, _ := json.Marshal(state{Program: programName, Family: "inet6", BootID: strings.Repeat("b", 36), Overflows: kept}); len(b) > maxStateSize {
		t.Errorf("a full history is %d bytes, over the %d a state may be", len(b), maxStateSize)
	}
}
