//go:build e2e && linux

package realkernel

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// baselineDir holds the binaries of commit 2b95500, before absences were
// confirmed, when someone built them there (see BENCHMARKS.md): the churn
// test then also says how often they were wrong, for comparison.
const baselineDir = "/tmp/procnet-2b95500"

const (
	churnStable = 600 // services that stay, one real server each
	churnOthers = 300 // services added and deleted all along
	churnChecks = 30  // check-ipvs runs under churn
	churnPlugin = 8   // plugin runs under churn, per source
)

// churnServices returns ipvsadm -R input that adds n services (and a real
// server each) on 10.<net>.x.y:80, and the input that deletes them.
func churnServices(net, n int) (add, del string) {
	var a, d strings.Builder
	for i := range n {
		vip := fmt.Sprintf("10.%d.%d.%d:80", net, i/250, i%250+1)
		fmt.Fprintf(&a, "-A -t %s -s rr\n-a -t %s -r 10.%d.%d.%d:80 -m -w 1\n", vip, vip, net+100, i/250, i%250+1)
		fmt.Fprintf(&d, "-D -t %s\n", vip)
	}
	return a.String(), d.String()
}

// startChurner adds and deletes the other services in a loop, as a busy
// orchestrator does, until the test ends; it waits until a churn has been
// seen in the table.
func startChurner(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	add, del := churnServices(3, churnOthers)
	for name, s := range map[string]string{"add": add, "del": del} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("sh", "-c", "while :; do ipvsadm -R < add; ipvsadm -R < del; done")
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	})
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(kernel.Sh(t, "cat /proc/net/ip_vs"), "0A030001:0050") {
		if time.Now().After(deadline) {
			t.Fatal("the churner added no service within 30 s")
		}
	}
}

// TestChurnGivesNoFalseVerdictOrLostService: while other services are
// added and deleted all along, check-ipvs over the stable services never
// says one is missing, and the ip_vs plugin, over netlink and over the
// files, never loses one from a run. Neither net/ip_vs nor a netlink dump
// is a snapshot: a service deleted earlier in the table between two pages
// makes the reader skip one. The figures go to BENCHMARKS.md.
func TestChurnGivesNoFalseVerdictOrLostService(t *testing.T) {
	if kernel.Outside(t) {
		return
	}
	setupIPVS(t)
	add, _ := churnServices(1, churnStable)
	kernel.Sh(t, "ipvsadm -R <<'EOF'\n"+add+"EOF")
	args := []string{"-w", "0"} // a stable service is judged only by its presence
	var ids []string
	for i := range churnStable {
		args = append(args, "-s", fmt.Sprintf("TCP:10.1.%d.%d:80", i/250, i%250+1))
		ids = append(ids, fmt.Sprintf("TCP_10_1_%d_%d_80", i/250, i%250+1))
	}
	work := t.TempDir()
	type binary struct{ name, check, plugin string }
	bins := []binary{{"this build", kernel.Bin(t, "check-ipvs"), kernel.Bin(t, "mackerel-plugin-proc-net-ip_vs")}}
	if _, err := os.Stat(filepath.Join(baselineDir, "check-ipvs")); err == nil {
		bins = append(bins, binary{"2b95500", filepath.Join(baselineDir, "check-ipvs"), filepath.Join(baselineDir, "mackerel-plugin-proc-net-ip_vs")})
	}
	stateOf := func(b, what string) string { return filepath.Join(work, strings.ReplaceAll(b, " ", "_")+"-"+what) }
	plugin := func(b binary, source string) map[string]float64 {
		res := testbin.Run(t, b.plugin, nil, "-source", source, "-max-metrics", "0", "-tempfile", stateOf(b.name, source))
		return testbin.ValueMap(t, res.Stdout)
	}
	// The first runs, before the churn, give the memory.
	for _, b := range bins {
		if res := testbin.Run(t, b.check, nil, append(args, "--state-file", stateOf(b.name, "check"))...); res.ExitCode != exitOK {
			t.Fatalf("%s: before the churn: exit %d %q %q", b.name, res.ExitCode, res.Stdout, res.Stderr)
		}
		plugin(b, "netlink")
		plugin(b, "procfs")
	}
	startChurner(t)
	for _, b := range bins {
		start := time.Now()
		var falseVerdicts int
		var first string
		for range churnChecks {
			res := testbin.Run(t, b.check, nil, append(args, "--state-file", stateOf(b.name, "check"))...)
			if res.ExitCode != exitOK {
				falseVerdicts++
				if first == "" {
					first = res.Stdout[:min(len(res.Stdout), 300)]
				}
			}
		}
		t.Logf("FIGURE %s: check-ipvs -s over %d stable services while %d others churn: %d false verdicts in %d runs (%.0f per 100), %.2f s a run; first: %s",
			b.name, churnStable, churnOthers, falseVerdicts, churnChecks, 100*float64(falseVerdicts)/churnChecks, time.Since(start).Seconds()/churnChecks, first)
		if b.name == "this build" && falseVerdicts > 0 {
			t.Errorf("%d false verdicts in %d runs under churn; first: %s", falseVerdicts, churnChecks, first)
		}
		for _, source := range []string{"netlink", "procfs"} {
			start := time.Now()
			lostRuns, lost := 0, 0
			for range churnPlugin {
				got := plugin(b, source)
				n := 0
				for _, id := range ids {
					if _, ok := got["proc.net.ip_vs."+id+".real_servers.total"]; !ok {
						n++
					}
				}
				if n > 0 {
					lostRuns++
					lost += n
				}
			}
			t.Logf("FIGURE %s: ip_vs plugin -source %s: %d stable services lost in %d of %d runs (%.2f s a run)",
				b.name, source, lost, lostRuns, churnPlugin, time.Since(start).Seconds()/churnPlugin)
			if b.name == "this build" && lost > 0 {
				t.Errorf("-source %s: %d stable services lost in %d of %d runs under churn", source, lost, lostRuns, churnPlugin)
			}
		}
	}
}
