package metricout

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A state the plugin cannot trust nor take back (its directory is
// writable by others and not sticky) gives no rates and exactly one
// stderr line naming the file and the reason, run after run.
func TestUntrustedStateIsOneLine(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "state.json")
	if err := os.WriteFile(path, []byte(`{"_lastTime":1700000000,"p.c":0}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for run := 0; run < 2; run++ {
		var stdout, stderr bytes.Buffer
		w := NewWriter(&stdout, &stderr, "p", path, time.Unix(1700000060, 0))
		w.Counter("c", 600)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if stdout.Len() != 0 {
			t.Errorf("run %d: a rate from an untrusted state: %q", run, stdout.String())
		}
		if lines := strings.Split(strings.TrimSpace(stderr.String()), "\n"); len(lines) != 1 ||
			!strings.Contains(lines[0], path) || !strings.Contains(lines[0], "writable by other users") {
			t.Errorf("run %d: stderr %q, want one line naming %s and the reason", run, stderr.String(), path)
		}
	}
}
