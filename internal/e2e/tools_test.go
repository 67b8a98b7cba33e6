package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/testbin"
)

var toolMu sync.Mutex

// buildTool builds pkg from the pinned module internal/tools/<module> into
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
	cmd.Dir = filepath.Join(root, "internal", "tools", module)
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

// plugins builds the five binaries and returns their paths by name.
func plugins(t *testing.T) map[string]string {
	t.Helper()
	const mod = "github.com/procnet/mackerel-plugin-proc-net/"
	out := map[string]string{}
	for _, p := range []string{
		"metrics/mackerel-plugin-proc-net-ip_vs_stats_percpu",
		"metrics/mackerel-plugin-proc-net-arp",
		"metrics/mackerel-plugin-proc-net-ip_vs",
		"check-arp-table",
		"check-ipvs",
	} {
		out[filepath.Base(p)] = testbin.Build(t, mod+p)
	}
	return out
}
