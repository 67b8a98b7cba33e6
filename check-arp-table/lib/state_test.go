package checkarptable

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	// A state file that is a directory cannot be replaced either.
	if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := trackOverflows(filepath.Join(dir, "d"), "inet", 3, "", time.Now()); got.SaveErr == nil || got.HasPrevious {
		t.Errorf("%+v", got)
	}
}
