package arp

import (
	"path/filepath"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/testbin"
)

// TestRealKernelNamespace runs the plugin inside a fresh network namespace
// holding three stale and two permanent entries, and one incomplete one.
func TestRealKernelNamespace(t *testing.T) {
	bin := testbin.Build(t, pkg)
	ns := testbin.NewNetNS(t)
	ns.IP(t, "neigh", "add", "10.77.1.1", "lladdr", "02:00:00:00:01:01", "dev", ns.Dev, "nud", "stale")
	ns.IP(t, "neigh", "add", "10.77.1.2", "lladdr", "02:00:00:00:01:02", "dev", ns.Dev, "nud", "stale")
	ns.IP(t, "neigh", "add", "10.77.1.3", "lladdr", "02:00:00:00:01:03", "dev", ns.Dev, "nud", "stale")
	ns.IP(t, "neigh", "add", "10.77.2.1", "lladdr", "02:00:00:00:02:01", "dev", ns.Dev, "nud", "permanent")
	ns.IP(t, "neigh", "add", "10.77.2.2", "lladdr", "02:00:00:00:02:02", "dev", ns.Dev, "nud", "permanent")
	ns.IP(t, "neigh", "add", "10.77.3.1", "dev", ns.Dev, "nud", "incomplete")

	res := ns.Run(t, nil, bin, "-tempfile", filepath.Join(t.TempDir(), "s"))
	vals := testbin.ValueMap(t, res.Stdout)
	want := map[string]float64{
		"proc.net.arp.size":                    6,
		"proc.net.arp.states.complete":         3,
		"proc.net.arp.states.permanent":        2,
		"proc.net.arp.states.incomplete":       1,
		"proc.net.arp.states.proxy":            0,
		"proc.net.arp.devices.veth0.complete":  3,
		"proc.net.arp.devices.veth0.permanent": 2,
	}
	for k, v := range want {
		if got, ok := vals[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v\nstdout:\n%s", k, got, ok, v, res.Stdout)
		}
	}
	// Inside a namespace the kernel hides net/stat and the gc_thresh
	// sysctls: the global table then comes from rtnetlink, and it holds at
	// least this namespace's entries; the limits are the host's.
	if res.ExitCode != 0 || res.Stderr != "" {
		t.Errorf("exit %d stderr %q", res.ExitCode, res.Stderr)
	}
	host := testbin.ValueMap(t, testbin.Run(t, bin, nil, "-table-only", "-tempfile", filepath.Join(t.TempDir(), "s")).Stdout)
	if vals["proc.net.arp.table.ipv4_entries"] < 6 || vals["proc.net.arp.table.ipv4_gc_thresh3"] != host["proc.net.arp.table.ipv4_gc_thresh3"] || host["proc.net.arp.table.ipv4_gc_thresh3"] == 0 {
		t.Errorf("in the namespace: entries %v, gc_thresh3 %v; host gc_thresh3 %v",
			vals["proc.net.arp.table.ipv4_entries"], vals["proc.net.arp.table.ipv4_gc_thresh3"], host["proc.net.arp.table.ipv4_gc_thresh3"])
	}
}
