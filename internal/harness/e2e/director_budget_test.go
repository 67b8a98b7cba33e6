package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/devtools/bench/gen"
	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// hostAllowance is a Standard host's metrics (Mackerel's plan), of which
// the agent's own take about agentMetrics and each check monitor one.
const (
	hostAllowance = 200
	agentMetrics  = 40
	checkMonitors = 2
)

// TestDirectorFitsOneHost runs the three metric plugins at their
// defaults on a generated director (20 services x 8 real servers, 32
// CPUs) whose namespace has two dual-stack NICs, and sums what their
// second runs print: with two checks and the agent's own, at most one
// Standard host. Without root the arp plugin reads the tree's files
// (IPv4 only), which prints less.
func TestDirectorFitsOneHost(t *testing.T) {
	bins := plugins(t)
	root := t.TempDir()
	if _, err := gen.Write(root, gen.Sizes{Services: 20, RealPerSvc: 8, PerCPURows: 32, ARPRows: 40, GCThresh3: 1024}); err != nil {
		t.Fatal(err)
	}
	second := func(run func(args ...string) testbin.Result, args ...string) map[string]float64 {
		t.Helper()
		state := filepath.Join(t.TempDir(), "s.json")
		args = append(args, "-tempfile", state)
		run(args...)
		testbin.AgeState(t, state)
		res := run(args...)
		if res.ExitCode != 0 {
			t.Fatalf("%v: exit %d, stderr %q", args, res.ExitCode, res.Stderr)
		}
		return testbin.ValueMap(t, res.Stdout)
	}
	onTree := func(bin string) func(args ...string) testbin.Result {
		return func(args ...string) testbin.Result { return testbin.Run(t, bin, nil, args...) }
	}
	counts := map[string]int{
		"mackerel-plugin-proc-net-ip_vs":              len(second(onTree(bins["mackerel-plugin-proc-net-ip_vs"]), "-procfs-root", root)),
		"mackerel-plugin-proc-net-ip_vs_stats_percpu": len(second(onTree(bins["mackerel-plugin-proc-net-ip_vs_stats_percpu"]), "-procfs-root", root)),
	}
	arp := bins["mackerel-plugin-proc-net-arp"]
	if ns := newDualStackHost(t); ns != nil {
		counts["mackerel-plugin-proc-net-arp"] = len(second(func(args ...string) testbin.Result { return ns.Run(t, nil, arp, args...) }))
	} else {
		counts["mackerel-plugin-proc-net-arp"] = len(second(onTree(arp), "-procfs-root", root))
	}
	sum := agentMetrics + checkMonitors
	for name, n := range counts {
		t.Logf("%s: %d metrics", name, n)
		sum += n
	}
	t.Logf("with %d of the agent and %d checks: %d of %d", agentMetrics, checkMonitors, sum, hostAllowance)
	if sum > hostAllowance {
		t.Errorf("the director costs %d metrics, over one host's %d", sum, hostAllowance)
	}
	// Whatever the director's size: the bounds themselves fit.
	bounds := agentMetrics + checkMonitors
	for name := range counts {
		bounds += defaultBound(t, bins[name])
	}
	t.Logf("the bounds: %d with the agent and the checks", bounds)
	if bounds > hostAllowance {
		t.Errorf("the default -max-metrics of the three plugins, the checks and the agent's own add up to %d, over %d", bounds, hostAllowance)
	}
}

// defaultBound reads the default of -max-metrics from bin -h.
func defaultBound(t *testing.T, bin string) int {
	t.Helper()
	res := testbin.Run(t, bin, nil, "-h")
	_, after, ok := strings.Cut(res.Stdout, "-max-metrics int")
	var n int
	if i := strings.Index(after, "(default "); ok && i >= 0 {
		fmt.Sscanf(after[i:], "(default %d)", &n)
	}
	if n <= 0 {
		t.Fatalf("%s -h: no default for -max-metrics in %q", bin, res.Stdout)
	}
	return n
}

// newDualStackHost makes a namespace with eth0 and eth1, each with IPv4
// and IPv6 neighbours; nil when not root.
func newDualStackHost(t *testing.T) *testbin.NetNS {
	if os.Geteuid() != 0 {
		return nil
	}
	ns := testbin.NewNetNS(t)
	var b strings.Builder
	for i, dev := range []string{"eth0", "eth1"} {
		fmt.Fprintf(&b, "link add %s type veth peer name peer%d\nlink set %s up\nlink set peer%d up\n", dev, i, dev, i)
		for j := 1; j <= 4; j++ {
			fmt.Fprintf(&b, "neigh add 10.6%d.0.%d lladdr 02:00:00:00:%02x:%02x dev %s nud permanent\n", i, j, i, j, dev)
			fmt.Fprintf(&b, "neigh add 2001:db8:6%d::%d lladdr 02:00:00:00:%02x:%02x dev %s nud permanent\n", i, j, i, j, dev)
		}
	}
	ns.Batch(t, []byte(b.String()))
	return ns
}
