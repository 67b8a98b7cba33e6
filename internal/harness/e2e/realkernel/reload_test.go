//go:build e2e && linux

package realkernel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// ipvsModules are the modules setupIPVS loads that hold ip_vs, in an
// order rmmod takes.
const ipvsModules = "ip_vs_rr ip_vs_wrr ip_vs_wlc ip_vs_sh ip_vs_lc ip_vs"

// wantNoSpike fails the test on any negative value, on any global rate,
// and on any per-CPU rate above zero: r ran with no traffic since the
// previous run, after the kernel's counters went back (ipvsadm -Z, a
// module reload), so every honest rate is absent or zero.
func wantNoSpike(t *testing.T, what string, r run) {
	t.Helper()
	for k, v := range r.values {
		switch {
		case v < 0:
			t.Errorf("%s: %s = %v, negative", what, k, v)
		case strings.HasPrefix(k, "proc.net.ip_vs.stats."):
			t.Errorf("%s: %s = %v printed for counters that went back", what, k, v)
		case strings.HasPrefix(k, "proc.net.ip_vs_stats_percpu.") && v != 0:
			t.Errorf("%s: %s = %v with no traffic", what, k, v)
		}
	}
}

// TestZeroAndModuleReload: `ipvsadm -Z` and an rmmod/modprobe of ip_vs
// between runs give no negative value and no spike; while the module is
// gone the plugins say why on stderr and check-ipvs is UNKNOWN with the
// reason; after the reload the rates start again and equal ipvsadm's
// deltas.
func TestZeroAndModuleReload(t *testing.T) {
	if kernel.Outside(t) {
		return
	}
	natService(t)
	connect(t, 3)
	dir := t.TempDir()
	ipvsState, percpuState := filepath.Join(dir, "ipvs"), filepath.Join(dir, "percpu")
	ipvs := func() run { return runPlugin(t, "mackerel-plugin-proc-net-ip_vs", ipvsState) }
	percpu := func() run { return runPlugin(t, "mackerel-plugin-proc-net-ip_vs_stats_percpu", percpuState) }
	ipvs()
	percpu()
	testbin.AgeState(t, ipvsState)
	testbin.AgeState(t, percpuState)

	// ipvsadm -Z: the global and per-service counters restart at 0.
	kernel.Sh(t, "ipvsadm -Z")
	if z := totals(t); z != [5]uint64{} {
		t.Fatalf("ipvsadm -Z left counters %v", z)
	}
	wantNoSpike(t, "after ipvsadm -Z", ipvs())
	wantNoSpike(t, "after ipvsadm -Z", percpu())

	before := totals(t)
	from := testbin.AgeState(t, ipvsState)
	connect(t, 4)
	after := totals(t)
	wantGlobalRates(t, ipvs(), from, before, after)

	// The module unloaded: no net/ip_vs at all.
	kernel.Sh(t, "ipvsadm -C\nrmmod "+ipvsModules)
	if _, err := os.Stat("/proc/net/ip_vs"); !os.IsNotExist(err) {
		t.Fatalf("/proc/net/ip_vs after rmmod: %v", err)
	}
	for name, run := range map[string]func() run{"ip_vs": ipvs, "ip_vs_stats_percpu": percpu} {
		r := run()
		if r.res.ExitCode == 0 || !strings.Contains(r.res.Stderr, "ip_vs") || len(r.values) != 0 {
			t.Errorf("the %s plugin without the module: exit %d, stderr %q, %d values; want a non-zero exit, the reason on stderr, no values", name, r.res.ExitCode, r.res.Stderr, len(r.values))
		}
	}
	res := testbin.Run(t, kernel.Bin(t, "check-ipvs"), nil)
	if res.ExitCode != exitUnknown || !strings.HasPrefix(res.Stdout, "IPVS UNKNOWN:") || !strings.Contains(res.Stdout, "/proc/net/ip_vs") {
		t.Errorf("check-ipvs without the module: exit %d %q, want UNKNOWN naming /proc/net/ip_vs", res.ExitCode, res.Stdout)
	}

	// Loaded again, the same service: the counters start from 0, below
	// what the state holds.
	kernel.Modprobe(t, strings.Fields(ipvsModules)...)
	addNATService(t)
	testbin.AgeState(t, ipvsState)
	testbin.AgeState(t, percpuState)
	wantNoSpike(t, "after the reload", ipvs())
	wantNoSpike(t, "after the reload", percpu())

	before = totals(t)
	from = testbin.AgeState(t, ipvsState)
	connect(t, 2)
	after = totals(t)
	wantGlobalRates(t, ipvs(), from, before, after)
	checkIPVS(t, exitOK, nil)
}
