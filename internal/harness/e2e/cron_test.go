//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// TestChecksFromACronScript runs both checks from a plain shell script
// with an empty environment (no MACKEREL_* variables, no agent), as a
// cron health script would, reading each fixture tree through HOST_PROC.
func TestChecksFromACronScript(t *testing.T) {
	bins := plugins(t)
	binDir := t.TempDir()
	for _, name := range []string{"check-arp-table", "check-ipvs"} {
		if err := os.Symlink(bins[name], filepath.Join(binDir, name)); err != nil {
			t.Fatal(err)
		}
	}
	script, _ := filepath.Abs("testdata/health-check.sh")
	tests := []struct {
		tree  string
		exit  int
		lines []string
	}{
		{"lvs-director", 2, []string{
			"0 ARP-TABLE OK: 6 of 1024 entries (0.6% of gc_thresh3; gc_thresh2 512); 0 table overflows so far, none to compare with (first check); source TREE/net/stat/arp_cache",
			"2 IPVS CRITICAL: UDP 10.0.0.3:5060: no real servers; IP_47 10.0.0.4:0: no real servers; TCP 10.0.0.1:80 -> 10.0.1.3:80 weight 0"}},
		{"ipvs-one-quiescent", 3, []string{
			"3 ARP-TABLE UNKNOWN: open TREE/net/stat/arp_cache: no such file or directory, and gc_thresh3 unknown: give --gc-thresh3 (rtnetlink not asked: TREE is not the live /proc)",
			"1 IPVS WARNING: TCP 10.0.0.1:80 -> 10.0.1.3:80 weight 0"}},
		// UNKNOWN outranks WARNING, and CRITICAL outranks UNKNOWN.
		{"arp-table-near-full", 3, []string{
			"1 ARP-TABLE WARNING: 850 of 1024 entries (83.0% of gc_thresh3; gc_thresh2 512); 0 table overflows so far, none to compare with (first check); source TREE/net/stat/arp_cache",
			"3 IPVS UNKNOWN: TREE/net/ip_vs not found: the ip_vs module is not loaded, or the file is hidden from this process (in a container, mount the host's /proc and set --procfs-root or HOST_PROC)"}},
		{"ipvs-all-quiescent", 2, []string{
			"3 ARP-TABLE UNKNOWN: open TREE/net/stat/arp_cache: no such file or directory, and gc_thresh3 unknown: give --gc-thresh3 (rtnetlink not asked: TREE is not the live /proc)",
			"2 IPVS CRITICAL: TCP 10.0.0.1:80: 0 of 2 real servers available"}},
	}
	for _, tt := range tests {
		t.Run(tt.tree, func(t *testing.T) {
			tree := testbin.Fixture(tt.tree)
			cmd := exec.Command("env", "-i", "PATH=/usr/bin:/bin", "HOST_PROC="+tree, "PLUGIN_BIN="+binDir, "TMPDIR="+t.TempDir(), "/bin/sh", script)
			res := testbin.RunCmd(t, cmd)
			want := strings.ReplaceAll(strings.Join(tt.lines, "\n")+"\n", "TREE", tree)
			if res.ExitCode != tt.exit || res.Stdout != want || res.Stderr != "" {
				t.Errorf("exit %d, stdout\n%s\nstderr %q\nwant exit %d, stdout\n%s", res.ExitCode, res.Stdout, res.Stderr, tt.exit, want)
			}
		})
	}
}

// TestREADMEShowsTheTestedCronScript: the script the README shows is,
// byte for byte, the one TestChecksFromACronScript runs.
func TestREADMEShowsTheTestedCronScript(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(testbin.RepoRoot(), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile("testdata/health-check.sh")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```sh\n"+string(script)+"```\n") {
		t.Errorf("README.md does not show testdata/health-check.sh as a sh block: copy it there")
	}
}
