//go:build e2e && linux

package realkernel

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
)

// defenseNS is a namespace of its own, so that the defense mode set there
// is per namespace and the initial namespace's stays off.
const defenseNS = "procnet-defense"

// awaitSysctl waits until the namespace's sysctl reads want: the kernel
// moves the defense strategies on its own schedule (once a second), so
// the test waits for the outcome, within bound, not for a time.
func awaitSysctl(t *testing.T, ns, name, want string, bound time.Duration) {
	t.Helper()
	deadline := time.Now().Add(bound)
	var got string
	for time.Now().Before(deadline) {
		got = strings.TrimSpace(kernel.Sh(t, "ip netns exec "+ns+" sysctl -n "+name))
		if got == want {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s in %s: %s, not %s within %s", name, ns, got, want, bound)
}

// TestDefenseModeInANamespace sets amemthresh above the guest's memory
// with drop_entry at 1 in a namespace: the kernel sets drop_entry to 2
// itself. check-ipvs --netns pages naming it, amemthresh and the memory
// it compared; the ip_vs plugin prints defense.drop_entry 1; the initial
// namespace, untouched, stays quiet. Restored, both come back.
func TestDefenseModeInANamespace(t *testing.T) {
	if kernel.Outside(t) {
		return
	}
	setupIPVS(t)
	kernel.Sh(t, "ip netns add "+defenseNS)
	t.Cleanup(func() { kernel.TrySh("ip netns delete " + defenseNS) })
	kernel.Sh(t, `ip -n procnet-defense link set lo up
ip netns exec procnet-defense ipvsadm -A -t 10.7.0.1:80 -s rr
ip netns exec procnet-defense ipvsadm -a -t 10.7.0.1:80 -r 10.7.1.2:80 -m -w 1
ipvsadm -A -t 10.0.0.1:80 -s rr
ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2:80 -m -w 1`)
	t.Cleanup(func() { kernel.TrySh("ipvsadm -C") })
	state := func() string { return filepath.Join(t.TempDir(), "state") }
	plugin := func(args ...string) map[string]float64 {
		t.Helper()
		r := runPlugin(t, "mackerel-plugin-proc-net-ip_vs", state(), args...)
		if r.res.ExitCode != 0 {
			t.Fatalf("ip_vs %v: exit %d, stderr %q", args, r.res.ExitCode, r.res.Stderr)
		}
		return r.values
	}

	kernel.Sh(t, "ip netns exec procnet-defense sysctl -qw net.ipv4.vs.drop_entry=1 net.ipv4.vs.amemthresh=1000000000")
	awaitSysctl(t, defenseNS, "net.ipv4.vs.drop_entry", "2", 10*time.Second)
	checkIPVS(t, exitCritical, []string{"IPVS defense active: drop_entry=2 dropping connection entries", "< amemthresh 1000000000 pages", "MemFree+Buffers "},
		"--netns", defenseNS, "--state-file", state())
	checkIPVS(t, exitOK, []string{"1 service"}, "--netns", defenseNS, "--no-defense", "--state-file", state())
	res := checkIPVS(t, exitOK, []string{"1 service"}, "--state-file", state())
	if strings.Contains(res.Stdout, "defense") {
		t.Errorf("the initial namespace, drop_entry %s, reported as defending: %s", kernel.Sh(t, "sysctl -n net.ipv4.vs.drop_entry"), res.Stdout)
	}
	for _, src := range []string{"procfs", "netlink"} {
		if v := plugin("-netns", defenseNS, "-source", src); v["proc.net.ip_vs.defense.drop_entry"] != 1 || v["proc.net.ip_vs.defense.drop_packet"] != 0 {
			t.Errorf("-netns %s -source %s: defense %v, %v, want drop_entry 1", defenseNS, src, v["proc.net.ip_vs.defense.drop_entry"], v["proc.net.ip_vs.defense.drop_packet"])
		}
	}
	if v, ok := plugin()["proc.net.ip_vs.defense.drop_entry"]; !ok || v != 0 {
		t.Errorf("initial namespace: defense.drop_entry %v (printed %v), want 0", v, ok)
	}

	// drop_packet at 3: always on, set by hand: WARNING, and in force.
	kernel.Sh(t, "ip netns exec procnet-defense sysctl -qw net.ipv4.vs.amemthresh=1024 net.ipv4.vs.drop_packet=3")
	awaitSysctl(t, defenseNS, "net.ipv4.vs.drop_entry", "1", 10*time.Second)
	checkIPVS(t, exitWarning, []string{"IPVS defense always on: drop_packet=3 dropping packets"}, "--netns", defenseNS, "--state-file", state())
	if v := plugin("-netns", defenseNS); v["proc.net.ip_vs.defense.drop_entry"] != 0 || v["proc.net.ip_vs.defense.drop_packet"] != 1 {
		t.Errorf("restored, drop_packet 3: defense %v, %v, want 0, 1", v["proc.net.ip_vs.defense.drop_entry"], v["proc.net.ip_vs.defense.drop_packet"])
	}
	kernel.Sh(t, "ip netns exec procnet-defense sysctl -qw net.ipv4.vs.drop_packet=0 net.ipv4.vs.drop_entry=0")
	checkIPVS(t, exitOK, []string{"1 service"}, "--netns", defenseNS, "--state-file", state())
}
