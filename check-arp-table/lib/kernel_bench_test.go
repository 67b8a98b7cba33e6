package checkarptable

import (
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// BenchmarkLargeTable measures the check on a neighbour table of 100,000
// permanent entries (ARP_BENCH_ENTRIES) held in one network namespace,
// against `cat /proc/net/arp`, each run ARP_BENCH_RUNS times (default 5):
//
//	sudo go test -run '^$' -bench LargeTable -benchtime 1x ./check-arp-table/lib/
//
// It reports the minimum and median wall time of each variant, and logs
// the child's system CPU time too, since reading net/arp is kernel time.
// Root and iproute2 are needed; the namespace is deleted afterwards.
func BenchmarkLargeTable(b *testing.B) {
	ipPath := kernelEnv(b)
	kv, err := procnet.NewFS("/proc").KernelVersion()
	if err != nil {
		b.Fatal(err)
	}
	if kv.PermanentCountsAgainstLimit() {
		b.Skipf("kernel %s limits permanent entries by gc_thresh3", kv.Release)
	}
	entries := envInt(b, "ARP_BENCH_ENTRIES", 100000)
	runs := envInt(b, "ARP_BENCH_RUNS", 5)
	bin := binary(b)

	ns := testbin.NewNetNS(b).Name
	start := time.Now()
	addNeighbours(b, ipPath, ns, procnet.Inet, 0, entries, "permanent")
	b.Logf("added %d permanent entries in %s in %v; global entries now %d", entries, ns, time.Since(start).Round(time.Millisecond), globalTable(b, procnet.Inet).Stats.Entries)
	state := b.TempDir() + "/state.json"

	inNS := func(args ...string) []string { return append([]string{ipPath, "netns", "exec", ns}, args...) }
	variants := []struct {
		name string
		argv []string
	}{
		{"netns/check", inNS(bin, "--state-file", state)},
		{"netns/check-below-warning", inNS(bin, "--state-file", state, "-w", strconv.Itoa(10*entries), "-c", strconv.Itoa(20*entries))},
		{"netns/cat-proc-net-arp", inNS("cat", "/proc/net/arp")},
		{"initns/check", []string{bin, "--state-file", state}},
		{"initns/cat-proc-net-arp", []string{"cat", "/proc/net/arp"}},
	}
	medians := map[string]time.Duration{}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			var walls, sys []time.Duration
			var out string
			for i := 0; i < runs; i++ {
				cmd := exec.Command(v.argv[0], v.argv[1:]...)
				var stdout strings.Builder
				cmd.Stdout = &stdout
				t0 := time.Now()
				err := cmd.Run()
				walls = append(walls, time.Since(t0))
				if err != nil && cmd.ProcessState == nil {
					b.Fatal(err)
				}
				sys = append(sys, cmd.ProcessState.SystemTime())
				out = stdout.String()
			}
			slices.Sort(walls)
			slices.Sort(sys)
			med := walls[len(walls)/2]
			medians[v.name] = med
			b.ReportMetric(walls[0].Seconds(), "min-s")
			b.ReportMetric(med.Seconds(), "median-s")
			b.ReportMetric(sys[len(sys)/2].Seconds(), "median-sys-s")
			if !strings.HasPrefix(v.name, "netns/cat") && !strings.HasPrefix(v.name, "initns/cat") {
				b.Logf("%s: %s", v.name, strings.TrimSpace(out))
			} else {
				b.Logf("%s: %d lines", v.name, strings.Count(out, "\n"))
			}
		})
	}
	b.Run("ratios", func(b *testing.B) {
		for _, pair := range [][2]string{
			{"netns/check", "netns/cat-proc-net-arp"},
			{"netns/check-below-warning", "netns/cat-proc-net-arp"},
			{"initns/check", "netns/cat-proc-net-arp"},
		} {
			if a, c := medians[pair[0]], medians[pair[1]]; a > 0 && c > 0 {
				b.Logf("median %s / %s = %.3f (%v / %v)", pair[0], pair[1], a.Seconds()/c.Seconds(), a.Round(time.Millisecond), c.Round(time.Millisecond))
			}
		}
	})
}

func envInt(b *testing.B, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive number", name, s)
	}
	return n
}
