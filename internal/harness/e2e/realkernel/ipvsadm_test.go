//go:build e2e && linux

package realkernel

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
)

// oracleService is one service as `ipvsadm -Ln --exact` prints it.
type oracleService struct {
	id          string // the plugin's service id: TCP_10_0_0_1_80, FWM_7, FWM6_8
	notation    string // ipvsadm's: "TCP  10.0.0.1:80"
	realServers []oracleRealServer
	// with --stats
	conns, inPkts, outPkts, inBytes, outBytes uint64
}

type oracleRealServer struct {
	id                                string // 10_0_0_1_80
	weight, active, inactive          uint64
	conns, inPkts, outPkts, inB, outB uint64
}

// ipvsadmList reads `ipvsadm -Ln --exact` and, with stats, `ipvsadm -Ln
// --stats --exact`.
func ipvsadmList(t *testing.T, stats bool) []oracleService {
	t.Helper()
	args := "ipvsadm -Ln --exact"
	if stats {
		args += " --stats"
	}
	return parseIpvsadm(t, kernel.Sh(t, args), stats)
}

func parseIpvsadm(t *testing.T, out string, stats bool) []oracleService {
	t.Helper()
	var svcs []oracleService
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 0, strings.HasPrefix(line, "IP Virtual Server"), f[0] == "Prot",
			len(f) > 1 && f[0] == "->" && strings.HasPrefix(f[1], "RemoteAddress"):
		case f[0] == "->":
			if len(svcs) == 0 || len(f) < 2 {
				t.Fatalf("ipvsadm line %q", line)
			}
			rs := oracleRealServer{id: addrPortID(t, f[1])}
			if stats {
				nums(t, line, f[2:], &rs.conns, &rs.inPkts, &rs.outPkts, &rs.inB, &rs.outB)
			} else {
				nums(t, line, f[3:], &rs.weight, &rs.active, &rs.inactive)
			}
			svcs[len(svcs)-1].realServers = append(svcs[len(svcs)-1].realServers, rs)
		default:
			s := oracleService{notation: f[0] + "  " + f[1]}
			s.id, f = oracleServiceID(t, f)
			if stats {
				nums(t, line, f[2:], &s.conns, &s.inPkts, &s.outPkts, &s.inBytes, &s.outBytes)
			}
			svcs = append(svcs, s)
		}
	}
	return svcs
}

// oracleServiceID is the plugin's id of the service of an ipvsadm
// service line's fields f, and f without the IPv6 of "FWM  8 IPv6".
func oracleServiceID(t *testing.T, f []string) (string, []string) {
	t.Helper()
	switch {
	case f[0] == "FWM" && len(f) > 2 && f[2] == "IPv6":
		// ipvsadm names the IPv6 fwmark service of a mark "FWM  8 IPv6".
		return "FWM6_" + f[1], append(f[:2:2], f[3:]...)
	case f[0] == "FWM":
		return "FWM_" + f[1], f
	}
	return f[0] + "_" + addrPortID(t, f[1]), f
}

// addrPortID turns ipvsadm's 10.0.0.1:80 or [2001:db8::1]:80 into the
// plugin's 10_0_0_1_80 or 2001_db8__1_80.
func addrPortID(t *testing.T, s string) string {
	t.Helper()
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		t.Fatalf("ipvsadm address %q: %v", s, err)
	}
	id := strings.NewReplacer(".", "_", ":", "_").Replace(ap.Addr().String())
	return fmt.Sprintf("%s_%d", id, ap.Port())
}

func nums(t *testing.T, line string, f []string, dst ...*uint64) {
	t.Helper()
	if len(f) < len(dst) {
		t.Fatalf("ipvsadm line %q: %d numbers, want %d", line, len(f), len(dst))
	}
	for i, d := range dst {
		v, err := strconv.ParseUint(f[i], 10, 64)
		if err != nil {
			t.Fatalf("ipvsadm line %q: %v", line, err)
		}
		*d = v
	}
}
