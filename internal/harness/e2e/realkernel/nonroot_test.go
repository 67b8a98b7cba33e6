//go:build e2e && linux

package realkernel

import (
	"path/filepath"
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
	base := t.TempDir()
	bin := filepath.Join(base, "mackerel-plugin-proc-net-ip_vs")
	kernel.Sh(t, "chmod 755 "+base+" "+filepath.Dir(base)+"\ncp "+kernel.Bin(t, "mackerel-plugin-proc-net-ip_vs")+" "+bin+"\nchmod 755 "+bin+"\nmkdir -m 1777 "+base+"/work")
	asNobody := func(args string) (code string, stdout, stderr string) {
		t.Helper()
		out, err := kernel.TrySh("set +e\ncd " + base + "\nMACKEREL_PLUGIN_WORKDIR=" + base + "/work setpriv --reuid=65534 --regid=65534 --clear-groups " + bin + " " + args + " >out 2>err\necho $?\ncat out >&2")
		if err != nil {
			t.Fatalf("as nobody: %v: %s", err, out)
		}
		e, _ := kernel.TrySh("cat " + base + "/err")
		o, _ := kernel.TrySh("cat " + base + "/out")
		return strings.TrimSpace(out), o, e
	}

	code, out, errs := asNobody("")
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if code != "0" || len(lines) != 1 || !strings.Contains(lines[0], "reading /proc/net/ip_vs only, without per-service traffic") || !strings.Contains(lines[0], "operation not permitted") {
		t.Errorf("-source auto as nobody: exit %s, stderr %q; want exit 0 and one line saying net/ip_vs is read instead", code, errs)
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

	code, _, errs = asNobody("-source netlink")
	if code != "1" || !strings.Contains(errs, "operation not permitted") || strings.Contains(errs, "reading /proc/net/ip_vs only") {
		t.Errorf("-source netlink as nobody: exit %s, stderr %q; want exit 1 naming the refusal, no files instead", code, errs)
	}
}
