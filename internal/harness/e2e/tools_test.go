//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

var toolMu sync.Mutex

// buildTool builds pkg from the pinned module internal/devtools/tools/<module> into
// .cache/tools/<binary>, once: later runs reuse the binary. The first
// build downloads the tool's modules and takes about a minute.
func buildTool(t *testing.T, module, pkg, binary string) string {
	t.Helper()
	toolMu.Lock()
	defer toolMu.Unlock()
	root := testbin.RepoRoot()
	out := filepath.Join(root, ".cache", "tools", binary)
	if _, err := os.Stat(out); err == nil {
		return out
	}
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = filepath.Join(root, "internal", "devtools", "tools", module)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building %s from %s: %v\n%s", pkg, cmd.Dir, err, msg)
	}
	return out
}

func mackerelAgent(t *testing.T) string {
	return buildTool(t, "agent", "github.com/mackerelio/mackerel-agent", "mackerel-agent-v0.87.0")
}

func mkr(t *testing.T) string {
	return buildTool(t, "mkr", "github.com/mackerelio/mkr", "mkr-v0.65.0")
}
