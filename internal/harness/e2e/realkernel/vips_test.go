//go:build e2e && linux

package realkernel

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
)

// The two directors of a keepalived pair, as two network namespaces with
// the same services, an IPv4 and an IPv6 VIP; dir1 runs the master sync
// daemon, dir2 the backup.
const (
	dir1      = "procnet-dir1"
	dir2      = "procnet-dir2"
	directors = `
for ns in procnet-dir1 procnet-dir2; do
  ip netns add $ns
  ip -n $ns link set lo up
  ip -n $ns link add dummy0 type dummy
  ip -n $ns link set dummy0 up
  ip -n $ns addr add 10.8.9.2/24 dev dummy0
  ip netns exec $ns ipvsadm -A -t 10.8.0.1:80 -s rr
  ip netns exec $ns ipvsadm -a -t 10.8.0.1:80 -r 10.8.1.2:80 -m -w 1
  ip netns exec $ns ipvsadm -A -t [2001:db8:8::1]:80 -s rr
  ip netns exec $ns ipvsadm -a -t [2001:db8:8::1]:80 -r [2001:db8:8::2]:80 -m -w 1
  ip netns exec $ns ipvsadm -A -f 7 -s rr
  ip netns exec $ns ipvsadm -a -f 7 -r 10.8.1.3:0 -m -w 1
done
ip netns exec procnet-dir1 ipvsadm --start-daemon master --mcast-interface dummy0 --syncid 8
ip netns exec procnet-dir2 ipvsadm --start-daemon backup --mcast-interface dummy0 --syncid 8`
)

// vipsOf moves the VIPs: each namespace holds them or not, as keepalived's
// MASTER and BACKUP would.
func vipsOf(t *testing.T, ns string, held bool) {
	t.Helper()
	if !held {
		// flush, unlike del, is not an error when the address is not there.
		kernel.Sh(t, "ip -n "+ns+" addr flush dev dummy0 to 10.8.0.1/32\nip -n "+ns+" addr flush dev dummy0 to 2001:db8:8::1/128")
		return
	}
	kernel.Sh(t, "ip -n "+ns+" addr replace 10.8.0.1/32 dev dummy0\nip -n "+ns+" addr replace 2001:db8:8::1/128 dev dummy0 nodad")
}

// kernelHolds is the kernel's own view: how many of the two VIPs ip addr
// shows in ns.
func kernelHolds(t *testing.T, ns string) float64 {
	out := kernel.Sh(t, "ip -n "+ns+" -o addr show")
	n := 0.0
	for _, vip := range []string{" 10.8.0.1/32 ", " 2001:db8:8::1/128 "} {
		if strings.Contains(out, vip) {
			n++
		}
	}
	return n
}

// TestVIPOwnershipAcrossAPair: the VIPs on dir1, then moved to dir2, then
// on both (split brain), then on neither. The ip_vs plugin run with
// -netns in each prints vips.total 2 (the fwmark service has none) and
// vips.local as ip addr shows it; the sum over the pair is 2 only while
// one director holds them. check-ipvs --sync-daemon auto expects the
// master where the VIPs are.
func TestVIPOwnershipAcrossAPair(t *testing.T) {
	if kernel.Outside(t) {
		return
	}
	setupIPVS(t)
	t.Cleanup(func() { kernel.TrySh("ip netns delete " + dir1 + "; ip netns delete " + dir2) })
	kernel.Sh(t, directors)
	state := func() string { return filepath.Join(t.TempDir(), "state") }
	for _, stage := range []struct {
		name     string
		on1, on2 bool
		sum      float64
		exit1    int
		say1     string
		exit2    int
		say2     string
	}{
		{"dir1 is MASTER", true, false, 2, exitOK, "sync daemon master runs", exitOK, "sync daemon backup runs"},
		{"moved to dir2, sync daemons not swapped", false, true, 2, exitCritical, "backup sync daemon not running; running: master", exitCritical, "master sync daemon not running; running: backup"},
		{"split brain", true, true, 4, exitOK, "this host holds 2 of 2 VIPs", exitCritical, "master sync daemon not running"},
		{"no one serves", false, false, 0, exitCritical, "this host holds none of 2 VIPs", exitOK, "this host holds none of 2 VIPs"},
	} {
		t.Run(stage.name, func(t *testing.T) {
			vipsOf(t, dir1, stage.on1)
			vipsOf(t, dir2, stage.on2)
			sum := 0.0
			for _, ns := range []string{dir1, dir2} {
				for _, src := range []string{"procfs", "netlink"} {
					r := runPlugin(t, "mackerel-plugin-proc-net-ip_vs", state(), "-netns", ns, "-source", src)
					if r.res.ExitCode != 0 || r.res.Stderr != "" {
						t.Errorf("-netns %s -source %s: exit %d, stderr %q", ns, src, r.res.ExitCode, r.res.Stderr)
					}
					if got := r.values["proc.net.ip_vs.vips.total"]; got != 2 {
						t.Errorf("-netns %s -source %s: vips.total %v, want 2", ns, src, got)
					}
					local, ok := r.values["proc.net.ip_vs.vips.local"]
					if want := kernelHolds(t, ns); !ok || local != want {
						t.Errorf("-netns %s -source %s: vips.local %v (printed %v), ip addr shows %v", ns, src, local, ok, want)
					}
					if src == "procfs" {
						sum += local
					}
				}
			}
			if sum != stage.sum {
				t.Errorf("sum of vips.local over the pair %v, want %v", sum, stage.sum)
			}
			checkIPVS(t, stage.exit1, []string{stage.say1}, "--netns", dir1, "--sync-daemon", "auto", "--state-file", state())
			checkIPVS(t, stage.exit2, []string{stage.say2}, "--netns", dir2, "--sync-daemon", "auto", "--state-file", state())
		})
	}
}
