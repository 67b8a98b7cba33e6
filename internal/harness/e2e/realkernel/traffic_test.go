//go:build e2e && linux

package realkernel

import (
	"bufio"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// natService is a NAT service on 10.0.0.1:80 whose one real server is a
// listener of this test on 127.0.0.1:8080.
func natService(t *testing.T) {
	t.Helper()
	setupIPVS(t)
	addNATService(t)
	echoServer(t, "127.0.0.1:8080")
}

// addNATService adds the service of natService to a loaded IPVS.
func addNATService(t *testing.T) {
	t.Helper()
	kernel.Sh(t, `sysctl -qw net.ipv4.vs.conntrack=1
ipvsadm -A -t 10.0.0.1:80 -s rr
ipvsadm -a -t 10.0.0.1:80 -r 127.0.0.1:8080 -m -w 1`)
}

// echoServer answers each connection's first line with "echo " and the
// line, until the test ends.
func echoServer(t *testing.T, addr string) {
	t.Helper()
	ln, err := kernel.Serve(addr, "echo ")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
}

// connect makes n connections through the VIP, each a request and its
// answer, and waits until the kernel's folded totals show them.
func connect(t *testing.T, n int) {
	t.Helper()
	lag := foldLag(t)
	for i := range n {
		c, err := net.DialTimeout("tcp", "10.0.0.1:80", 5*time.Second)
		if err != nil {
			t.Fatalf("connection %d through the VIP: %v", i, err)
		}
		// A lost answer fails this test, never hangs the boot (request).
		c.SetDeadline(time.Now().Add(10 * time.Second))
		fmt.Fprintf(c, "request %d\n", i)
		answer, err := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if err != nil || answer != fmt.Sprintf("echo request %d\n", i) {
			t.Fatalf("connection %d: answer %q, %v", i, answer, err)
		}
	}
	waitFolded(t, lag)
}

// foldLag is how far the "~" row of ip_vs_stats_percpu is below the sum
// of its CPU rows. Once the estimator has folded the per-CPU counters
// into the totals it is zero, except after `ipvsadm -Z`: that restarts
// the "~" row (and every other total) but not the CPU rows, so the lag is
// then what they held when zeroed.
func foldLag(t *testing.T) (lag [5]uint64) {
	t.Helper()
	sum, total := percpuRows(t)
	for i := range lag {
		lag[i] = sum[i] - total[i]
	}
	return lag
}

// waitFolded waits until the estimator has folded the per-CPU counters
// into the totals, so that every reader sees the same, final figures:
// the lag of the "~" row is back to what it was before the traffic.
func waitFolded(t *testing.T, lag [5]uint64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		now := foldLag(t)
		if now == lag {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the IPVS totals were not folded within 20 s: the total row lags the CPU rows by %v, want %v", now, lag)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// percpuRows sums the CPU rows of net/ip_vs_stats_percpu and returns the
// sum and the total ("~") row.
func percpuRows(t *testing.T) (sum, total [5]uint64) {
	t.Helper()
	rows, total := cpuRows(t)
	for _, row := range rows {
		for i := range row {
			sum[i] += row[i]
		}
	}
	return sum, total
}

// totals sums ipvsadm's per-service counters: with one service that
// carries all the traffic, they are the global counters.
func totals(t *testing.T) [5]uint64 {
	t.Helper()
	var sum [5]uint64
	for _, s := range ipvsadmList(t, true) {
		for i, v := range []uint64{s.conns, s.inPkts, s.outPkts, s.inBytes, s.outBytes} {
			sum[i] += v
		}
	}
	return sum
}

var globalKeys = [5]string{
	"proc.net.ip_vs.stats.connections.conns",
	"proc.net.ip_vs.stats.packets.in", "proc.net.ip_vs.stats.packets.out",
	"proc.net.ip_vs.stats.bytes.in", "proc.net.ip_vs.stats.bytes.out",
}

var percpuSuffixes = [5]string{".conns.conn", ".packets.in", ".packets.out", ".bytes.in", ".bytes.out"}

// sumPercpu adds the per-CPU rates of each counter over the CPUs.
func sumPercpu(values map[string]float64) (sum [5]float64, cpus int) {
	for k, v := range values {
		for i, s := range percpuSuffixes {
			if strings.HasPrefix(k, "proc.net.ip_vs_stats_percpu.") && strings.HasSuffix(k, s) {
				sum[i] += v
				if i == 0 {
					cpus++
				}
			}
		}
	}
	return sum, cpus
}

// TestTrafficRatesEqualIpvsadmDeltas sends real connections through a NAT
// service: the global rates of the ip_vs plugin, and the per-CPU rates
// summed over the CPUs, equal the growth of ipvsadm's counters over the
// plugins' own interval.
func TestTrafficRatesEqualIpvsadmDeltas(t *testing.T) {
	if kernel.Outside(t) {
		return
	}
	natService(t)
	connect(t, 3) // so that the first reading is not all zeros
	dir := t.TempDir()
	ipvsState, percpuState := filepath.Join(dir, "ipvs"), filepath.Join(dir, "percpu")
	before := totals(t)
	first := runPlugin(t, "mackerel-plugin-proc-net-ip_vs", ipvsState)
	runPlugin(t, "mackerel-plugin-proc-net-ip_vs_stats_percpu", percpuState)
	if first.res.ExitCode != 0 || first.res.Stderr != "" {
		t.Fatalf("first run: exit %d, stderr %q", first.res.ExitCode, first.res.Stderr)
	}
	ipvsFrom, percpuFrom := testbin.AgeState(t, ipvsState), testbin.AgeState(t, percpuState)

	connect(t, 5)
	after := totals(t)
	if after[0]-before[0] != 5 {
		t.Fatalf("ipvsadm counted %d new connections, want the 5 made (before %v, after %v)", after[0]-before[0], before, after)
	}
	second := runPlugin(t, "mackerel-plugin-proc-net-ip_vs", ipvsState)
	percpu := runPlugin(t, "mackerel-plugin-proc-net-ip_vs_stats_percpu", percpuState)
	if second.res.Stderr != "" || percpu.res.Stderr != "" {
		t.Errorf("stderr: ip_vs %q, percpu %q", second.res.Stderr, percpu.res.Stderr)
	}
	sum, cpus := sumPercpu(percpu.values)
	if cpus == 0 {
		t.Fatalf("the percpu plugin printed no CPU rates:\n%s", percpu.res.Stdout)
	}
	wantGlobalRates(t, second, ipvsFrom, before, after)
	for i := range globalKeys {
		wantPercpu := perMinute(after[i]-before[i], percpuFrom, percpu.stamp)
		if !near(sum[i], wantPercpu) {
			t.Errorf("per-CPU %s summed over %d CPUs = %v, want %v", percpuSuffixes[i], cpus, sum[i], wantPercpu)
		}
	}
	// The real server's connections are visible too, as net/ip_vs counts
	// them (closed ones linger as inactive).
	if v := second.values["proc.net.ip_vs.TCP_10_0_0_1_80.inactive_conns.127_0_0_1_8080"] + second.values["proc.net.ip_vs.TCP_10_0_0_1_80.active_conns.127_0_0_1_8080"]; v == 0 {
		t.Errorf("no connection of the real server is shown:\n%s", second.res.Stdout)
	}
}

// wantGlobalRates checks that the ip_vs plugin's run r printed the global
// rates of counters that grew from before to after (ipvsadm's figures)
// since the time from, and that each of them grew.
func wantGlobalRates(t *testing.T, r run, from int64, before, after [5]uint64) {
	t.Helper()
	for i, k := range globalKeys {
		delta := after[i] - before[i]
		if after[i] <= before[i] {
			t.Errorf("%s: ipvsadm shows no growth (%d -> %d); the traffic did not reach IPVS", k, before[i], after[i])
		}
		want := perMinute(delta, from, r.stamp)
		if got, ok := r.values[k]; !ok || !near(got, want) {
			t.Errorf("%s = %v (printed: %v), want %v (ipvsadm grew by %d in %d s)", k, got, ok, want, delta, r.stamp-from)
		}
	}
}
