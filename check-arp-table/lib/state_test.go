package checkarptable

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
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
			got := trackOverflows(path, "inet", tt.total, tt.bootID, now)
			if got != tt.want || got.Grew() != tt.grew {
				t.Errorf("got %+v (grew %d), want %+v (grew %d)", got, got.Grew(), tt.want, tt.grew)
			}
			var saved state
			b, err := os.ReadFile(path)
			if err == nil {
				err = json.Unmarshal(b, &saved)
			}
			if err != nil || saved != (state{Program: programName, Family: "inet", TableFulls: tt.total, BootID: tt.bootID, Time: now.Unix()}) {
				t.Errorf("saved %q (%v)", b, err)
			}
		})
	}
}

func TestTrackOverflowsUnwritable(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "no-such-dir", "state.json")
	got := trackOverflows(path, "inet", 3, "", time.Now())
	if got.SaveErr == nil || !strings.Contains(got.SaveErr.Error(), path) || got.Grew() != 0 {
		t.Errorf("%+v", got)
	}
	// A directory at the state's path is no state: it is moved aside and
	// the state saved in its place.
	if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	got = trackOverflows(filepath.Join(dir, "d"), "inet", 3, "", time.Now())
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
