//go:build e2e && linux

package realkernel

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// TestKeepalivedStoppingEmptiesTheTable: keepalived removes every virtual
// server when it stops. A service seen before and gone is a WARNING naming
// it while others remain; the table emptied is CRITICAL, on that run and
// the next, until the services return.
func TestKeepalivedStoppingEmptiesTheTable(t *testing.T) {
	if kernel.Outside(t) {
		return
	}
	setupIPVS(t)
	kernel.Sh(t, "ip addr replace 10.0.0.4/32 dev dummy0\nipvsadm -A -t 10.0.0.2:8080 -s rr\nipvsadm -a -t 10.0.0.2:8080 -r 10.0.1.2:8080 -m -w 1")
	for _, addr := range []string{"127.0.0.1:8091", "127.0.0.1:8092", "127.0.0.1:8093"} {
		serveRealServer(t, addr)
	}
	stop := startKeepalivedWith(t, keepalivedRemovesConf)
	env := []string{"MACKEREL_PLUGIN_WORKDIR=" + t.TempDir()}
	const bound = 30 * time.Second
	awaitCheckWith(t, env, bound, exitOK, []string{"2 services, 4 real servers, all available"})

	stop()
	if out := kernel.Sh(t, "ipvsadm -Ln"); strings.Contains(out, "10.0.0.4:80") {
		t.Fatalf("keepalived stopped and left its service:\n%s", out)
	}
	gone := "TCP 10.0.0.4:80 service removed, last seen "
	awaitCheckWith(t, env, bound, exitWarning, []string{gone})
	res := testbin.Run(t, kernel.Bin(t, "check-ipvs"), env)
	if res.ExitCode != exitWarning || !strings.Contains(res.Stdout, gone) {
		t.Errorf("the run after: exit %d %q; want WARNING naming the removed service", res.ExitCode, res.Stdout)
	}

	kernel.Sh(t, "ipvsadm -D -t 10.0.0.2:8080")
	emptied := "IPVS CRITICAL: no virtual services: 2 services removed, last seen "
	for run := range 2 {
		res := testbin.Run(t, kernel.Bin(t, "check-ipvs"), env)
		if res.ExitCode != exitCritical || !strings.HasPrefix(res.Stdout, emptied) {
			t.Errorf("run %d on the emptied table: exit %d %q; want %q", run, res.ExitCode, res.Stdout, emptied)
		}
	}
	// --expect names what must exist: CRITICAL first for it.
	checkIPVSWith(t, env, exitCritical, "IPVS CRITICAL: TCP 10.0.0.4:80 not present; no virtual services", "--expect", "TCP:10.0.0.4:80")
}

func checkIPVSWith(t *testing.T, env []string, want int, prefix string, args ...string) {
	t.Helper()
	res := testbin.Run(t, kernel.Bin(t, "check-ipvs"), env, args...)
	if res.ExitCode != want || !strings.HasPrefix(res.Stdout, prefix) {
		t.Errorf("check-ipvs %s: exit %d %q (stderr %q); want %d starting %q\nipvsadm:\n%s",
			strings.Join(args, " "), res.ExitCode, res.Stdout, res.Stderr, want, prefix, kernel.Sh(t, "ipvsadm -Ln"))
	}
}

// TestFWMOfBothFamilies: ipvsadm -A -f 1 and -A -f 1 -6 are two services.
// check-ipvs follows each (an IPv6 real server removed is named, also
// when the kernel's order of the two flips), and the ip_vs plugin prints
// FWM_1 and FWM6_1, over netlink and from the files, as ipvsadm shows
// them.
func TestFWMOfBothFamilies(t *testing.T) {
	if kernel.Outside(t) {
		return
	}
	setupIPVS(t)
	kernel.Sh(t, `ipvsadm -A -f 1 -s rr
ipvsadm -a -f 1 -r 10.0.1.8:0 -g -w 2
ipvsadm -A -f 1 -6 -s rr
ipvsadm -a -f 1 -6 -r [2001:db8::108]:0 -g -w 1
ipvsadm -a -f 1 -6 -r [2001:db8::109]:0 -g -w 1`)
	env := []string{"MACKEREL_PLUGIN_WORKDIR=" + t.TempDir()}
	checkIPVSWith(t, env, exitOK, "IPVS OK: 2 services, 3 real servers, all available", "-s", "FWM:1", "-s", "FWM6:1")
	checkIPVSWith(t, env, exitOK, "IPVS OK: 2 services, 3 real servers, all available")

	for _, source := range []string{"netlink", "procfs"} {
		res := testbin.Run(t, kernel.Bin(t, "mackerel-plugin-proc-net-ip_vs"), nil, "-source", source, "-tempfile", filepath.Join(t.TempDir(), "s"))
		got := testbin.ValueMap(t, res.Stdout)
		for _, s := range ipvsadmList(t, false) {
			if g := got["proc.net.ip_vs."+s.id+".real_servers.total"]; g != float64(len(s.realServers)) {
				t.Errorf("-source %s: %s.real_servers.total = %v, ipvsadm lists %d", source, s.id, g, len(s.realServers))
			}
		}
		if _, ok := got["proc.net.ip_vs.FWM6_1.real_servers.total"]; !ok || strings.Contains(res.Stderr, "duplicated") {
			t.Errorf("-source %s: no FWM6_1, or a duplicate said (stderr %q):\n%s", source, res.Stderr, res.Stdout)
		}
	}

	kernel.Sh(t, "ipvsadm -d -f 1 -6 -r [2001:db8::109]:0")
	removed := "IPVS WARNING: FWM 1 IPv6 -> [2001:db8::109]:0 removed, last seen "
	checkIPVSWith(t, env, exitWarning, removed)
	// The IPv4 service made anew lists first (the newest first): the
	// order flips, nothing else changes.
	kernel.Sh(t, "ipvsadm -D -f 1\nipvsadm -A -f 1 -s rr\nipvsadm -a -f 1 -r 10.0.1.8:0 -g -w 2")
	checkIPVSWith(t, env, exitWarning, removed)
	checkIPVSWith(t, env, exitWarning, removed, "-s", "FWM:1", "-s", "FWM6:1")
}

// TestStateLeftByRoot: a state file that root's run left, which the
// agent's user can neither read nor replace, never makes the agent's
// check say a plain OK: it names the file, and where it can keep a memory
// of its own it sees a removal.
func TestStateLeftByRoot(t *testing.T) {
	if kernel.Outside(t) {
		return
	}
	setupIPVS(t)
	kernel.Sh(t, `ipvsadm -A -t 10.0.0.4:80 -s rr
ipvsadm -a -t 10.0.0.4:80 -r 127.0.0.1:8091 -m -w 1
ipvsadm -a -t 10.0.0.4:80 -r 127.0.0.1:8092 -m -w 1`)
	agent := newAsNobody(t, "check-ipvs")
	dir := agent.work
	asRoot := testbin.Run(t, agent.bin, []string{"MACKEREL_PLUGIN_WORKDIR=" + dir})
	if asRoot.ExitCode != exitOK {
		t.Fatalf("root's run: %d %q", asRoot.ExitCode, asRoot.Stdout)
	}
	asAgent := func() (int, string) {
		code, stdout, _ := agent.run(t)
		return code, strings.TrimSpace(stdout)
	}
	code, first := asAgent()
	keeps := !strings.Contains(first, "are not remembered")
	if code == exitOK && !keeps {
		t.Fatalf("the agent's first run: plain OK without its memory: %q", first)
	}
	if !keeps && !strings.Contains(first, dir) {
		t.Errorf("the agent's first run does not name the state's place: %q", first)
	}
	kernel.Sh(t, "ipvsadm -d -t 10.0.0.4:80 -r 127.0.0.1:8092")
	code, second := asAgent()
	t.Logf("FIGURE state left by root: the agent's runs said %q, then %q", first, second)
	switch {
	case code == exitOK:
		t.Errorf("the agent's run after a removal: plain OK: %q", second)
	case keeps && !strings.Contains(second, "127.0.0.1:8092 removed"):
		t.Errorf("the agent keeps a memory of its own but misses the removal: %q", second)
	case !keeps && !strings.Contains(second, "are not remembered"):
		t.Errorf("the agent's run names no state problem: %q", second)
	}
}
