//go:build e2e && linux

package realkernel

import (
	"bufio"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// cpuRows reads net/ip_vs_stats_percpu: its CPU rows by CPU number
// (printed in hex) and its total ("~") row.
func cpuRows(t *testing.T) (rows map[int][5]uint64, total [5]uint64) {
	t.Helper()
	rows = map[int][5]uint64{}
	out := kernel.Sh(t, "cat /proc/net/ip_vs_stats_percpu")
	for _, line := range strings.Split(out, "\n")[2:] {
		f := strings.Fields(line)
		if len(f) != 6 {
			break // the blank line before the rates
		}
		var row [5]uint64
		for i := range row {
			v, err := strconv.ParseUint(f[i+1], 16, 64)
			if err != nil {
				t.Fatalf("ip_vs_stats_percpu line %q: %v", line, err)
			}
			row[i] = v
		}
		if f[0] == "~" {
			total = row
			continue
		}
		cpu, err := strconv.ParseInt(f[0], 16, 32)
		if err != nil {
			t.Fatalf("ip_vs_stats_percpu line %q: %v", line, err)
		}
		rows[int(cpu)] = row
	}
	return rows, total
}

// connectFrom makes n connections through the VIP from a thread pinned
// to cpu.
func connectFrom(cpu, n int) error {
	return kernel.OnCPU(cpu, func() error {
		for i := range n {
			c, err := net.DialTimeout("tcp", "10.0.0.1:80", 5*time.Second)
			if err != nil {
				return fmt.Errorf("CPU %d, connection %d: %w", cpu, i, err)
			}
			// A lost answer fails this test, never hangs the boot (request).
			c.SetDeadline(time.Now().Add(10 * time.Second))
			fmt.Fprintf(c, "cpu %d request %d\n", cpu, i)
			answer, err := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if want := fmt.Sprintf("echo cpu %d request %d\n", cpu, i); err != nil || answer != want {
				return fmt.Errorf("CPU %d, connection %d: answer %q, %v", cpu, i, answer, err)
			}
		}
		return nil
	})
}

// TestPerCPURatesOnEveryCPU sends a different number of connections from
// each CPU (CPU c sends c+2): each CPU row of the per-CPU plugin counts
// exactly the connections sent from that CPU, every per-CPU rate is that
// CPU's counter growth, and the rows add up to ipvsadm's growth and to
// the ip_vs plugin's global rates.
func TestPerCPURatesOnEveryCPU(t *testing.T) {
	if kernel.Outside(t) {
		return
	}
	natService(t)
	connect(t, 3)
	dir := t.TempDir()
	ipvsState, percpuState := filepath.Join(dir, "ipvs"), filepath.Join(dir, "percpu")
	runPlugin(t, "mackerel-plugin-proc-net-ip_vs", ipvsState)
	runPlugin(t, "mackerel-plugin-proc-net-ip_vs_stats_percpu", percpuState)
	ipvsFrom, percpuFrom := testbin.AgeState(t, ipvsState), testbin.AgeState(t, percpuState)

	lag := foldLag(t)
	before, _ := cpuRows(t)
	totalsBefore := totals(t)
	if len(before) < 2 {
		t.Fatalf("the kernel has %d CPU rows, want several (booted with %d CPUs)", len(before), kernel.CPUs)
	}
	sent := map[int]uint64{}
	for cpu := range before {
		n := cpu + 2
		if err := connectFrom(cpu, n); err != nil {
			t.Fatal(err)
		}
		sent[cpu] = uint64(n)
	}
	waitFolded(t, lag)
	after, _ := cpuRows(t)
	totalsAfter := totals(t)

	ipvs := runPlugin(t, "mackerel-plugin-proc-net-ip_vs", ipvsState)
	percpu := runPlugin(t, "mackerel-plugin-proc-net-ip_vs_stats_percpu", percpuState)
	if ipvs.res.Stderr != "" || percpu.res.Stderr != "" {
		t.Errorf("stderr: ip_vs %q, percpu %q", ipvs.res.Stderr, percpu.res.Stderr)
	}
	var sum [5]uint64
	for cpu, b := range before {
		a := after[cpu]
		if got := a[0] - b[0]; got != sent[cpu] {
			t.Errorf("CPU %d counted %d new connections, want the %d sent from it", cpu, got, sent[cpu])
		}
		for i, suffix := range percpuSuffixes {
			delta := a[i] - b[i]
			sum[i] += delta
			key := fmt.Sprintf("proc.net.ip_vs_stats_percpu.%d%s", cpu, suffix)
			want := perMinute(delta, percpuFrom, percpu.stamp)
			if got, ok := percpu.values[key]; !ok || !near(got, want) {
				t.Errorf("%s = %v (printed: %v), want %v (the row grew by %d in %d s)", key, got, ok, want, delta, percpu.stamp-percpuFrom)
			}
		}
	}
	for i := range sum {
		if sum[i] != totalsAfter[i]-totalsBefore[i] {
			t.Errorf("%s: the CPU rows grew by %d in all, ipvsadm by %d", percpuSuffixes[i], sum[i], totalsAfter[i]-totalsBefore[i])
		}
	}
	wantGlobalRates(t, ipvs, ipvsFrom, totalsBefore, totalsAfter)
	t.Logf("connections sent per CPU: %v; the rows grew by %v in all", sent, sum)
}
