//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// TestHandRunFindsTheAgentsState runs the checks as mackerel-agent's
// systemd unit does (MACKEREL_PLUGIN_WORKDIR=/var/tmp/mackerel-agent,
// made with mkdir -m 777), then by hand from a root shell without the
// variable: the hand run uses the agent's state, so `check-ipvs --forget`
// forgets what the agent warns about. In a mount namespace of its own
// with a tmpfs on /var/tmp, so that the host's /var/tmp is not touched.
func TestHandRunFindsTheAgentsState(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root for a mount namespace with its own /var/tmp")
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("needs unshare (util-linux)")
	}
	bins := plugins(t)
	root := copyFixture(t, "ipvs-pool-of-three")
	arpRoot := testbin.Fixture("arp-table-overflowing")
	out := t.TempDir()
	removed := filepath.Join(testbin.Fixture("ipvs-pool-one-removed"), "net", "ip_vs")
	agent := "MACKEREL_PLUGIN_WORKDIR=/var/tmp/mackerel-agent"
	steps := []struct{ env, cmd string }{
		{agent, fmt.Sprintf("%s --procfs-root %s", bins["check-ipvs"], root)},
		{agent, fmt.Sprintf("cp %s %s/net/ip_vs && %s --procfs-root %s", removed, root, bins["check-ipvs"], root)},
		{"", fmt.Sprintf("%s --procfs-root %s --forget 127.0.0.1:8092", bins["check-ipvs"], root)},
		{agent, fmt.Sprintf("%s --procfs-root %s", bins["check-ipvs"], root)},
		{agent, fmt.Sprintf("%s --procfs-root %s", bins["check-arp-table"], arpRoot)},
		{"", fmt.Sprintf("%s --procfs-root %s", bins["check-arp-table"], arpRoot)},
	}
	script := "set -e\nmount -t tmpfs tmpfs /var/tmp\nmkdir -m 777 /var/tmp/mackerel-agent\n"
	for i, s := range steps {
		script += fmt.Sprintf("rc=0; env %s sh -c '%s' >%s/%d.out 2>%s/%d.err || rc=$?; echo $rc >%s/%d.rc\n", s.env, s.cmd, out, i, out, i, out, i)
	}
	script += "ls -ln /var/tmp/mackerel-agent >" + out + "/ls\n"
	cmd := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c", script)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C"}
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("cannot make a mount namespace with its own /var/tmp here: %v: %s", err, msg)
	}
	want := []struct {
		rc             string
		stdout, stderr string
	}{
		{"0", "IPVS OK: 1 service, 3 real servers", ""},
		{"1", "TCP 10.0.0.4:80 -> 127.0.0.1:8092 removed", ""},
		{"0", "IPVS OK: 1 service, 2 real servers", "forgot the removed real server 127.0.0.1:8092 (state /var/tmp/mackerel-agent/mackerel-plugin-proc-net-0/check-ipvs-"},
		{"0", "IPVS OK: 1 service, 2 real servers, all available", ""},
		{"0", "(first check)", ""},
		{"0", "0 table overflows since last check", ""},
	}
	for i, w := range want {
		read := func(ext string) string {
			b, _ := os.ReadFile(filepath.Join(out, fmt.Sprint(i)+"."+ext))
			return string(b)
		}
		rc, stdout, stderr := strings.TrimSpace(read("rc")), read("out"), read("err")
		if rc != w.rc || !strings.Contains(stdout, w.stdout) || !strings.Contains(stderr, w.stderr) {
			t.Errorf("step %d (%s %s): exit %s %q %q\nwant exit %s, stdout with %q, stderr with %q", i+1, steps[i].env, steps[i].cmd, rc, stdout, stderr, w.rc, w.stdout, w.stderr)
		}
	}
	ls, _ := os.ReadFile(filepath.Join(out, "ls"))
	if !strings.Contains(string(ls), "drwx------ 2 0 0 ") {
		t.Errorf("the state directory in the agent's: %s, want root's, mode 0700", ls)
	}
}
