//go:build e2e && linux

package realkernel

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// TestConfirmationCost measures, in process, what confirming absences
// costs in the real kernel on 1,000 services of 2 real servers, beside
// one read of the table: a targeted read over netlink (GET_SERVICE, then
// the GET_DEST dump of that service) of 1 and of 100 services, found or
// absent, and the further read of net/ip_vs that a reader without netlink
// takes instead. Nothing is confirmed when nothing is missing. The
// figures go to BENCHMARKS.md; the test asserts what the reads find.
func TestConfirmationCost(t *testing.T) {
	if kernel.Outside(t) {
		return
	}
	setupIPVS(t)
	const services = 1000
	add, _ := churnServices(1, services)
	kernel.Sh(t, "ipvsadm -R <<'EOF'\n"+add+"EOF")
	fs := procnet.NewFS("/proc")
	live, err := procnet.OpenIPVS(fs, procnet.SourceNetlink, "")
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	files, err := procnet.OpenIPVS(fs, procnet.SourceProcfs, "/proc/net/ip_vs")
	if err != nil {
		t.Fatal(err)
	}
	ids := func(n int, present bool) []procnet.IPVSServiceID {
		var out []procnet.IPVSServiceID
		for i := range n {
			net := byte(1)
			if !present {
				net = 9
			}
			out = append(out, procnet.IPVSServiceID{Protocol: "TCP", Addr: netip.AddrFrom4([4]byte{10, net, byte((i * 7) / 250), byte((i*7)%250 + 1)}), Port: 80})
		}
		return out
	}
	const reps = 21
	measure := func(name string, want int, f func() (int, error)) {
		var times []time.Duration
		for range reps {
			start := time.Now()
			n, err := f()
			times = append(times, time.Since(start))
			if err != nil || n != want {
				t.Fatalf("%s: %d services, %v; want %d", name, n, err, want)
			}
		}
		slices.Sort(times)
		t.Logf("FIGURE confirmation cost, %d services x 2 real servers: %s: median %.2f ms, min %.2f ms (%d runs)",
			services, name, float64(times[reps/2].Microseconds())/1000, float64(times[0].Microseconds())/1000, reps)
	}
	count := func(tb *procnet.IPVSTable, ids []procnet.IPVSServiceID) func() (int, error) {
		return func() (int, error) {
			n := 0
			_, err := tb.Confirm(ids, func(s *procnet.Service, _ *procnet.IPVSCounters, _ []procnet.IPVSCounters) error {
				if len(s.RealServers) == 1 {
					n++
				}
				return nil
			})
			return n, err
		}
	}
	measure("one read of net/ip_vs (what every run pays)", services, func() (int, error) {
		n := 0
		err := files.WalkFile(func(*procnet.Service) error { n++; return nil })
		return n, err
	})
	measure("nothing missing: no confirmation", 0, count(live, nil))
	for _, n := range []int{1, 100} {
		measure(fmt.Sprintf("%d present services, targeted netlink reads", n), n, count(live, ids(n, true)))
		measure(fmt.Sprintf("%d absent services, targeted netlink reads", n), 0, count(live, ids(n, false)))
		measure(fmt.Sprintf("%d services, a further read of net/ip_vs (no netlink)", n), n, count(files, ids(n, true)))
	}
}
