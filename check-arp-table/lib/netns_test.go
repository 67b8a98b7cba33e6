package checkarptable

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// TestNetNSFlagMatchesIPNetnsExec: run from the initial namespace with
// --netns naming a namespace (by name, by path, as /proc/PID/ns/net of a
// process sleeping in it), the check prints the line it prints inside
// that namespace with `ip netns exec`, whole. With -w 1 it reads the
// namespace's own entries to take out its permanent ones, so the line
// shows which namespace was read. As root only.
func TestNetNSFlagMatchesIPNetnsExec(t *testing.T) {
	ipPath := kernelEnv(t)
	ns := testbin.NewNetNS(t)
	ns.KeepReachable(t, ns.Dev)
	for _, fam := range []procnet.Family{procnet.Inet, procnet.Inet6} {
		addNeighbours(t, ipPath, ns.Name, fam, 0, 5, "permanent")
		addNeighbours(t, ipPath, ns.Name, fam, 5, 3, "stale")
		addNeighbours(t, ipPath, ns.Name, fam, 8, 2, "reachable")
	}
	pid := ns.Sleeper(t)

	for _, args := range [][]string{
		nil,
		{"-w", "1", "-c", "100%"},
		{"--family", "inet6", "-w", "1", "-c", "100%"},
	} {
		for _, tt := range []struct{ name, netns string }{
			{"name", ns.Name},
			{"path", "/var/run/netns/" + ns.Name},
			{"pid", fmt.Sprintf("/proc/%d/ns/net", pid)},
		} {
			t.Run(fmt.Sprintf("%s %v", tt.name, args), func(t *testing.T) {
				// The global count may move between two runs (other
				// processes' neighbours): the line must be one of those
				// printed inside just before and just after.
				before := runIn(t, ipPath, ns.Name, args...)
				res := runIn(t, ipPath, "", append([]string{"--netns", tt.netns}, args...)...)
				after := runIn(t, ipPath, ns.Name, args...)
				if res.Stdout != before.Stdout && res.Stdout != after.Stdout || res.ExitCode != before.ExitCode {
					t.Errorf("--netns %s: exit %d %q (stderr %q)\nip netns exec: exit %d %q, then %q", tt.netns, res.ExitCode, res.Stdout, res.Stderr, before.ExitCode, before.Stdout, after.Stdout)
				}
			})
		}
	}
	// The oracle reads this namespace: its 5 permanent entries are taken
	// out of the global count (kernels from 5.0 on), and the table comes
	// from rtnetlink, since the namespace has no net/stat.
	// The default state is one per namespace read, whatever names it: the
	// name and the path share one, the check's own namespace has another.
	dir := t.TempDir()
	env := []string{"MACKEREL_PLUGIN_WORKDIR=" + dir}
	for _, args := range [][]string{{"--netns", ns.Name}, {"--netns", "/var/run/netns/" + ns.Name}, nil} {
		if res := testbin.Run(t, binary(t), env, args...); res.ExitCode != 0 {
			t.Fatalf("%v: exit %d %q %q", args, res.ExitCode, res.Stdout, res.Stderr)
		}
	}
	if states, _ := filepath.Glob(filepath.Join(dir, "mackerel-plugin-proc-net-*", "check-arp-table-*.json")); len(states) != 2 {
		t.Errorf("state files %v, want one for the namespace and one for the check's own", states)
	}

	kv, err := procnet.NewFS("/proc").KernelVersion()
	if err != nil {
		t.Fatal(err)
	}
	if kv.PermanentCountsAgainstLimit() {
		t.Skipf("kernel %s counts permanent entries against gc_thresh3", kv.Release)
	}
	res := runIn(t, ipPath, "", "--netns", ns.Name, "-w", "1", "-c", "100%")
	checkResult(t, res, 1, "~ARP-TABLE WARNING: ", "~source rtnetlink RTM_GETNEIGHTBL", "~less 5 permanent entries of this namespace")
}
