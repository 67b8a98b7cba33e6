package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// TestConcurrentRunsKeepTheStateWhole starts several runs of a plugin at
// once on one state file, round after round: the file must always be
// whole JSON, and no temporary file may be left behind.
func TestConcurrentRunsKeepTheStateWhole(t *testing.T) {
	bins := plugins(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "percpu.json")
	for round := 0; round < 5; round++ {
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cmd := exec.Command(bins["mackerel-plugin-proc-net-ip_vs_stats_percpu"], "-procfs-root", testbin.Fixture("lvs-director"), "-tempfile", state)
				if out, err := cmd.CombinedOutput(); err != nil {
					errs <- err
					t.Logf("%s", out)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("round %d: %v", round, err)
		}
		b, err := os.ReadFile(state)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil || m["_lastTime"] == nil || len(m) != 1+24*5+2 { // _lastTime, 24 CPUs, the budget notice's hash, the fold's memory
			t.Fatalf("round %d: state of %d keys, %v: %.200s", round, len(m), err, b)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("left in the state dir: %v", names)
	}
}

// TestBadStateFiles gives a plugin an empty, truncated, corrupted, foreign
// or unwritable state: values that need no state still come out, the
// problem is said in one line, and a bad file is replaced by a good one.
func TestBadStateFiles(t *testing.T) {
	bins := plugins(t)
	notADir := filepath.Join(t.TempDir(), "file")
	os.WriteFile(notADir, nil, 0o644)
	tests := []struct {
		name, content, path, stderr string
	}{
		{"empty", "", "", "not valid JSON, starting afresh"},
		{"truncated", `{"_lastTime":1795,"proc.net.arp.gc.ipv4_`, "", "not valid JSON, starting afresh"},
		{"corrupted", "\x00\x00\x00garbage", "", "not valid JSON, starting afresh"},
		{"foreign", `{"some":"other program"}`, "", "no valid _lastTime, starting afresh"},
		{"unwritable directory", "", filepath.Join(notADir, "state.json"), "rates will be missing on the next run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path
			if path == "" {
				path = filepath.Join(t.TempDir(), "state.json")
				os.WriteFile(path, []byte(tt.content), 0o600)
			}
			res := testbin.Run(t, bins["mackerel-plugin-proc-net-arp"], nil, "-procfs-root", testbin.Fixture("lvs-director"), "-tempfile", path)
			vals := testbin.ValueMap(t, res.Stdout)
			if res.ExitCode != 0 || vals["proc.net.arp.size"] != 4 || vals["proc.net.arp.table.ipv4_entries"] != 6 {
				t.Errorf("exit %d, values %v", res.ExitCode, vals)
			}
			if strings.Count(res.Stderr, "\n") != 1 || !strings.Contains(res.Stderr, tt.stderr) {
				t.Errorf("stderr %q, want one line with %q", res.Stderr, tt.stderr)
			}
			if tt.path != "" {
				return
			}
			b, _ := os.ReadFile(path)
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil || m["_lastTime"] == nil {
				t.Errorf("state not replaced by a good one: %q", b)
			}
		})
	}
}
