//go:build e2e && linux

package realkernel

import (
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
)

// TestNonRootSource: the kernel lets anyone resolve the IPVS family but
// refuses its commands without CAP_NET_ADMIN. The ip_vs plugin run by a
// user who is not root (the agent's user) under -source auto reads
// net/ip_vs instead, saying so in one line, and prints the weights and
// connections; -source netlink, asked for by name, fails with exit 1 and
// the reason.
func TestNonRootSource(t *testing.T) {
	if kernel.Outside(t) {
		return
	}
	setupIPVS(t)
	kernel.Sh(t, `ipvsadm -A -t 10.0.0.1:80 -s rr
ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2:80 -m -w 3
ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.3:80 -m -w 0`)
	plugin := newAsNobody(t, "mackerel-plugin-proc-net-ip_vs")
	code, out, errs := plugin.run(t)
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if code != 0 || len(lines) != 1 || !strings.Contains(lines[0], "reading /proc/net/ip_vs only, without per-service traffic") || !strings.Contains(lines[0], "operation not permitted") {
		t.Errorf("-source auto as nobody: exit %d, stderr %q; want exit 0 and one line saying net/ip_vs is read instead", code, errs)
	}
	for _, key := range []string{
		"proc.net.ip_vs.TCP_10_0_0_1_80.weight.10_0_1_2_80\t3\t",
		"proc.net.ip_vs.TCP_10_0_0_1_80.weight.10_0_1_3_80\t0\t",
		"proc.net.ip_vs.TCP_10_0_0_1_80.active_conns.10_0_1_2_80\t0\t",
	} {
		if !strings.Contains(out, key) {
			t.Errorf("-source auto as nobody: no %q in\n%s", key, out)
		}
	}

	code, _, errs = plugin.run(t, "-source", "netlink")
	if code != 1 || !strings.Contains(errs, "operation not permitted") || strings.Contains(errs, "reading /proc/net/ip_vs only") {
		t.Errorf("-source netlink as nobody: exit %d, stderr %q; want exit 1 naming the refusal, no files instead", code, errs)
	}
}
