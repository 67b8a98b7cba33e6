//go:build e2e && linux

package realkernel

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
)

// kernelDirectorView is what the ip_vs plugin's director keys must be
// (below proc.net.ip_vs.), from the kernel's own tools in the test's
// namespace: defense.* from sysctl (1 at 2 or 3), vips.total from the
// service addresses ipvsadm lists, vips.local from those ip addr shows.
func kernelDirectorView(t *testing.T) map[string]float64 {
	t.Helper()
	want := map[string]float64{}
	for _, s := range []string{"drop_entry", "drop_packet", "secure_tcp"} {
		v := strings.TrimSpace(kernel.Sh(t, "sysctl -n net.ipv4.vs."+s))
		want["defense."+s] = 0
		if v == "2" || v == "3" {
			want["defense."+s] = 1
		}
	}
	vips := map[netip.Addr]bool{}
	for _, line := range strings.Split(kernel.Sh(t, "ipvsadm -Ln"), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || (f[0] != "TCP" && f[0] != "UDP" && f[0] != "SCTP") {
			continue
		}
		ap, err := netip.ParseAddrPort(f[1])
		if err != nil {
			t.Fatalf("ipvsadm -Ln: %q: %v", line, err)
		}
		vips[ap.Addr()] = true
	}
	local := map[netip.Addr]bool{}
	for _, line := range strings.Split(kernel.Sh(t, "ip -o addr show"), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		if p, err := netip.ParsePrefix(f[3]); err == nil && vips[p.Addr()] {
			local[p.Addr()] = true
		}
	}
	want["vips.total"] = float64(len(vips))
	want["vips.local"] = float64(len(local))
	return want
}
