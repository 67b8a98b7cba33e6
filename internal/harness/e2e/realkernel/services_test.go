//go:build e2e && linux

package realkernel

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// setupIPVS loads IPVS with every scheduler the cases use and clears the
// table; dummy0 carries the VIPs.
func setupIPVS(t *testing.T) {
	t.Helper()
	kernel.Modprobe(t, "ip_vs", "ip_vs_rr", "ip_vs_wrr", "ip_vs_wlc", "ip_vs_sh", "ip_vs_lc", "dummy")
	kernel.Sh(t, `ipvsadm -C
ip link show dummy0 >/dev/null 2>&1 || ip link add dummy0 type dummy
ip link set dummy0 up
ip addr replace 10.0.0.1/32 dev dummy0
ip addr replace 2001:db8::1/128 dev dummy0 nodad`)
}

// everyKind is a table of every kind of service net/ip_vs can show.
const everyKind = `
ipvsadm -A -t 10.0.0.1:80 -s wlc
ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2:80 -m -w 1
ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.3:80 -g -w 0
ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.4:80 -i -w 65535
ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.1:80 -g -w 7
ipvsadm -A -t 10.0.0.1:443 -s rr -p 300
ipvsadm -a -t 10.0.0.1:443 -r 10.0.1.2:443 -m -w 2
ipvsadm -A -u 10.0.0.1:53 -s rr -o
ipvsadm -a -u 10.0.0.1:53 -r 10.0.1.5:53 -m -w 1
ipvsadm -A --sctp-service 10.0.0.1:3868 -s sh
ipvsadm -a --sctp-service 10.0.0.1:3868 -r 10.0.1.6:3868 -m -w 3
ipvsadm -A -t [2001:db8::1]:80 -s lc
ipvsadm -a -t [2001:db8::1]:80 -r [2001:db8::102]:80 -m -w 4
ipvsadm -a -t [2001:db8::1]:80 -r 10.0.1.7:80 -i -w 5
ipvsadm -A -u [2001:db8::1]:53 -s rr -p 60
ipvsadm -A -f 7 -s wrr
ipvsadm -a -f 7 -r 10.0.1.8:0 -g -w 2
ipvsadm -a -f 7 -r 10.0.1.9:0 -g -w 0
ipvsadm -A -f 8 -6 -s rr
ipvsadm -a -f 8 -6 -r [2001:db8::108]:0 -g -w 1
ipvsadm -A -t 10.0.0.2:8080 -s rr
`

// TestEveryServiceKindMatchesIpvsadm: every weight, connection count and
// real-server total that the ip_vs plugin prints equals ipvsadm's, and no
// value is printed that ipvsadm does not show.
func TestEveryServiceKindMatchesIpvsadm(t *testing.T) {
	if kernel.Outside(t) {
		return
	}
	setupIPVS(t)
	kernel.Sh(t, everyKind)
	t.Logf("net/ip_vs as the kernel prints it:\n%s", kernel.Sh(t, "cat /proc/net/ip_vs"))

	oracle := ipvsadmList(t, false)
	if len(oracle) != 9 {
		t.Fatalf("ipvsadm lists %d services, want the 9 configured:\n%s", len(oracle), kernel.Sh(t, "ipvsadm -Ln --exact"))
	}
	want := map[string]float64{}
	for _, s := range oracle {
		var available float64
		for _, rs := range s.realServers {
			want[s.id+".weight."+rs.id] = float64(rs.weight)
			want[s.id+".active_conns."+rs.id] = float64(rs.active)
			want[s.id+".inactive_conns."+rs.id] = float64(rs.inactive)
			if rs.weight > 0 {
				available++
			}
		}
		want[s.id+".real_servers.total"] = float64(len(s.realServers))
		want[s.id+".real_servers.available"] = available
	}
	persist := persistConnsOracle(t)
	if len(persist) == 0 {
		t.Errorf("ipvsadm --persistent-conn shows no real server of a persistent service")
	}
	for k, v := range persist {
		svc, rs, _ := strings.Cut(k, ".")
		want[svc+".persistent_conns."+rs] = float64(v)
	}
	// The director's health, from the kernel's own view: sysctl, ipvsadm
	// and ip addr.
	for k, v := range kernelDirectorView(t) {
		want[k] = v
	}

	bin := kernel.Bin(t, "mackerel-plugin-proc-net-ip_vs")
	res := testbin.Run(t, bin, nil, "-max-metrics", "0", "-persistent-conns", "-tempfile", filepath.Join(t.TempDir(), "state"))
	if res.ExitCode != 0 || res.Stderr != "" {
		t.Fatalf("exit %d, stderr %q", res.ExitCode, res.Stderr)
	}
	got := map[string]float64{}
	for k, v := range testbin.ValueMap(t, res.Stdout) {
		// The global rates and the netlink-only keys but persistent_conns
		// are compared elsewhere.
		if id, ok := strings.CutPrefix(k, "proc.net.ip_vs."); ok && !strings.HasPrefix(id, "stats.") && (!isTrafficKey(k) || strings.Contains(k, ".persistent_conns.")) {
			got[id] = v
		}
	}
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if g, ok := got[k]; !ok || g != want[k] {
			t.Errorf("%s = %v (printed: %v), ipvsadm says %v", k, g, ok, want[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[k]; !ok {
			t.Errorf("%s = %v is printed but ipvsadm shows no such value", k, got[k])
		}
	}
	// The weights 0 and 65535 are there, so the range was exercised.
	if want["TCP_10_0_0_1_80.weight.10_0_1_4_80"] != 65535 || want["FWM_7.weight.10_0_1_9_0"] != 0 {
		t.Errorf("the table lacks the extreme weights: %v", want)
	}
}
