package ipvs

import (
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// TestDefenseKeys runs the plugin on trees whose defense sysctls show
// each situation: 1 while a strategy is at 2 or 3, else 0; a mode out of
// range skips the keys with a message naming the file and line.
func TestDefenseKeys(t *testing.T) {
	bin := testbin.Build(t, pkg)
	tests := []struct {
		tree   string
		want   map[string]float64
		stderr string
	}{
		{"ipvs-defense-idle", map[string]float64{"drop_entry": 0, "drop_packet": 0, "secure_tcp": 0}, ""},
		{"ipvs-defense-drop-entry-active", map[string]float64{"drop_entry": 1, "drop_packet": 0, "secure_tcp": 0}, ""},
		{"ipvs-defense-drop-packet-always", map[string]float64{"drop_entry": 0, "drop_packet": 1, "secure_tcp": 0}, ""},
		{"ipvs-defense-malformed", nil, "mackerel-plugin-proc-net-ip_vs: skipping the defense strategies: " + testbin.Fixture("ipvs-defense-malformed") + "/sys/net/ipv4/vs/drop_packet:1: defense mode 7: want 0 to 3\n"},
	}
	for _, tt := range tests {
		t.Run(tt.tree, func(t *testing.T) {
			res := testbin.Run(t, bin, nil, "-procfs-root", testbin.Fixture(tt.tree), "-tempfile", filepath.Join(t.TempDir(), "s.json"))
			if res.ExitCode != 0 || res.Stderr != tt.stderr {
				t.Fatalf("exit %d, stderr %q, want %q", res.ExitCode, res.Stderr, tt.stderr)
			}
			vals := testbin.ValueMap(t, res.Stdout)
			for _, s := range procnet.IPVSDefenseStrategies {
				v, ok := vals["proc.net.ip_vs.defense."+s]
				if want, in := tt.want[s]; ok != in || v != want {
					t.Errorf("defense.%s: %v (printed %v), want %v (printed %v)", s, v, ok, want, in)
				}
			}
			if _, ok := vals["proc.net.ip_vs.vips.total"]; ok {
				t.Error("vips.total printed for a tree, which has no interfaces")
			}
		})
	}
}

func TestLocalVIPs(t *testing.T) {
	a := netip.MustParseAddr
	vips := vipSet{a("192.0.2.10"): {}, a("2001:db8::10"): {}, a("192.0.2.11"): {}}
	addrs := []procnet.InterfaceAddr{{Addr: a("127.0.0.1")}, {Addr: a("192.0.2.10"), IfIndex: 2}, {Addr: a("192.0.2.10"), IfIndex: 3}, {Addr: a("2001:db8::10"), IfIndex: 2}}
	if got := localVIPs(vips, addrs); got != 2 {
		t.Errorf("%d VIPs held, want 2 (one held twice counts once)", got)
	}
	if got := localVIPs(vips, nil); got != 0 {
		t.Errorf("%d VIPs held with no addresses, want 0", got)
	}
}
