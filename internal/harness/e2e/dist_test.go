//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

var distOnce sync.Once

// distDir returns dist/, running `make dist` when it holds no zip yet
// (`make test` runs `make dist` first, so its packages are current).
func distDir(t *testing.T) string {
	t.Helper()
	dist := filepath.Join(testbin.RepoRoot(), "dist")
	var err error
	var out []byte
	distOnce.Do(func() {
		if _, statErr := os.Stat(filepath.Join(dist, "mackerel-plugin-proc-net_linux_amd64.zip")); statErr == nil {
			return
		}
		cmd := exec.Command("make", "dist")
		cmd.Dir = testbin.RepoRoot()
		out, err = cmd.CombinedOutput()
	})
	if err != nil {
		t.Fatalf("make dist: %v\n%s", err, out)
	}
	return dist
}

var binaries = []string{
	"check-arp-table",
	"check-ipvs",
	"mackerel-plugin-proc-net-arp",
	"mackerel-plugin-proc-net-ip_vs",
	"mackerel-plugin-proc-net-ip_vs_stats_percpu",
}

// TestMkrInstallsTheZip installs the amd64 zip with the real mkr from a
// file:// URL into a temporary prefix and runs every installed binary.
func TestMkrInstallsTheZip(t *testing.T) {
	dist := distDir(t)
	mkrBin := mkr(t)
	prefix := t.TempDir()
	cmd := exec.Command(mkrBin, "plugin", "install", "--prefix", prefix, "file://"+filepath.Join(dist, "mackerel-plugin-proc-net_linux_amd64.zip"))
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir()}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mkr plugin install: %v\n%s", err, out)
	}
	entries, err := os.ReadDir(filepath.Join(prefix, "bin"))
	if err != nil {
		t.Fatal(err)
	}
	var installed []string
	for _, e := range entries {
		installed = append(installed, e.Name())
	}
	sort.Strings(installed)
	if strings.Join(installed, " ") != strings.Join(binaries, " ") {
		t.Fatalf("installed %v, want %v", installed, binaries)
	}
	for _, b := range binaries {
		res := testbin.Run(t, filepath.Join(prefix, "bin", b), nil, "--version")
		if res.ExitCode != 0 || !strings.Contains(res.Stdout, "0.0.0-SNAPSHOT-") && !strings.Contains(res.Stdout, ".") {
			t.Errorf("%s --version: exit %d, %q", b, res.ExitCode, res.Stdout)
		}
	}
	// And once for real, on a fixture tree.
	res := testbin.Run(t, filepath.Join(prefix, "bin", "check-ipvs"), nil, "--procfs-root", testbin.Fixture("ipvs-all-available"))
	if res.ExitCode != 0 || res.Stdout != "IPVS OK: 6 services, 10 real servers, all available\n" {
		t.Errorf("installed check-ipvs: exit %d, %q", res.ExitCode, res.Stdout)
	}
	res = testbin.Run(t, filepath.Join(prefix, "bin", "mackerel-plugin-proc-net-arp"), nil, "-procfs-root", testbin.Fixture("container"), "-tempfile", filepath.Join(t.TempDir(), "s"))
	if res.ExitCode != 0 || !strings.HasPrefix(res.Stdout, "proc.net.arp.size\t2\t") {
		t.Errorf("installed mackerel-plugin-proc-net-arp: exit %d, %q", res.ExitCode, res.Stdout)
	}
}

// TestDebPutsBinariesOnTheAgentPath inspects the amd64 deb's file list.
func TestDebPutsBinariesOnTheAgentPath(t *testing.T) {
	dist := distDir(t)
	debs, _ := filepath.Glob(filepath.Join(dist, "mackerel-plugin-proc-net_*_amd64.deb"))
	if len(debs) != 1 {
		t.Fatalf("want one amd64 deb in %s, found %v", dist, debs)
	}
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Skip("dpkg-deb is needed to read the deb")
	}
	out, err := exec.Command("dpkg-deb", "--contents", debs[0]).Output()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		files[strings.TrimPrefix(f[len(f)-1], ".")] = f[0]
	}
	for _, b := range binaries {
		mode, ok := files["/opt/mackerel-agent/plugins/bin/"+b]
		if !ok || !strings.HasPrefix(mode, "-rwx") {
			t.Errorf("/opt/mackerel-agent/plugins/bin/%s: present %v, mode %q\n%s", b, ok, mode, out)
		}
	}
	for _, doc := range []string{"README.md", "LICENSE"} {
		if _, ok := files["/usr/share/doc/mackerel-plugin-proc-net/"+doc]; !ok {
			t.Errorf("%s missing from the deb", doc)
		}
	}
}
