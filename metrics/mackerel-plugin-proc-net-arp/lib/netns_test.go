package arp

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// TestNetNSFlagMatchesIPNetnsExec: run from the initial namespace with
// --netns naming a namespace (by name, by path and as /proc/PID/ns/net of
// a process sleeping in it), the plugin prints what it prints run inside
// that namespace with `ip netns exec`: the namespace's entries, from its
// own rtnetlink dump, and with -global-table the global table as the
// namespace sees it; without, not the global table, which the host's
// own section prints. As root only (skipped otherwise: namespaces cannot
// be made).
func TestNetNSFlagMatchesIPNetnsExec(t *testing.T) {
	bin := testbin.Build(t, pkg)
	ns := testbin.NewNetNS(t)
	ns.KeepReachable(t, ns.Dev)
	for _, n := range []struct{ addr, mac, nud string }{
		{"10.77.1.1", "02:00:00:00:01:01", "permanent"},
		{"10.77.1.2", "02:00:00:00:01:02", "stale"},
		{"10.77.1.3", "02:00:00:00:01:03", "stale"},
		{"10.77.1.4", "02:00:00:00:01:04", "reachable"},
		{"2001:db8:77::10", "02:00:00:00:01:10", "reachable"},
		{"2001:db8:77::11", "02:00:00:00:01:11", "permanent"},
	} {
		ns.IP(t, "neigh", "add", n.addr, "lladdr", n.mac, "dev", ns.Dev, "nud", n.nud)
	}
	pid := ns.Sleeper(t)

	runInside := func() map[string]float64 {
		t.Helper()
		inside := ns.Run(t, nil, bin, "-tempfile", filepath.Join(t.TempDir(), "s"))
		if inside.ExitCode != 0 || inside.Stderr != "" {
			t.Fatalf("inside: exit %d, stderr %q", inside.ExitCode, inside.Stderr)
		}
		return testbin.ValueMap(t, inside.Stdout)
	}
	want := runInside()
	// The oracle itself must show this namespace, or agreeing with it
	// proves nothing.
	for k, v := range map[string]float64{
		"proc.net.arp.size": 4, "proc.net.arp.states.permanent": 1, "proc.net.arp.states.complete": 3,
		"proc.net.arp.devices.veth0.complete": 3, "proc.net.arp.neigh_ipv4.unconfirmed": 2, "proc.net.arp.neigh_ipv4.reachable": 1,
		"proc.net.arp.neigh_ipv6.reachable": 1, "proc.net.arp.ipv6_devices.veth0.permanent": 1,
	} {
		if got, ok := want[k]; !ok || got != v {
			t.Errorf("inside the namespace %s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	for _, tt := range []struct{ name, flag, netns string }{
		{"name", "--netns", ns.Name},
		{"path", "--netns", "/var/run/netns/" + ns.Name},
		{"pid", "-netns", fmt.Sprintf("/proc/%d/ns/net", pid)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := runInside()
			res := testbin.Run(t, bin, nil, tt.flag, tt.netns, "-global-table", "-tempfile", filepath.Join(t.TempDir(), "s"))
			if res.ExitCode != 0 || res.Stderr != "" {
				t.Errorf("exit %d, stderr %q", res.ExitCode, res.Stderr)
			}
			sameValues(t, testbin.ValueMap(t, res.Stdout), before, runInside())
			own := testbin.Run(t, bin, nil, tt.flag, tt.netns, "-tempfile", filepath.Join(t.TempDir(), "s"))
			got, global := testbin.ValueMap(t, own.Stdout), 0
			for k := range before {
				_, printed := got[k]
				isGlobal := strings.HasPrefix(k, "proc.net.arp.table.") || strings.HasPrefix(k, "proc.net.arp.gc.")
				if isGlobal {
					global++
				}
				if printed == isGlobal {
					t.Errorf("without -global-table: %s printed %v", k, printed)
				}
			}
			if global == 0 || len(got)+global != len(before) {
				t.Errorf("without -global-table %d keys, inside %d of which %d global", len(got), len(before), global)
			}
		})
	}
}

// sameValues compares a run's values, key by key, with those of the runs
// inside just before and just after it: each must lie between those two.
// A fresh namespace's kernel still adds IPv6 multicast (NOARP) entries of
// its own for a few seconds (router solicitations, MLD reports), so a
// count may move between the runs, but only through the values around
// it. The global table's entry counts also move with other processes'
// neighbours: by at most 50 either way.
func sameValues(t *testing.T, got, want, after map[string]float64) {
	t.Helper()
	keys := func(m map[string]float64) string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return strings.Join(ks, "\n")
	}
	if keys(got) != keys(want) {
		t.Errorf("keys differ:\n--netns:\n%s\nip netns exec:\n%s", keys(got), keys(want))
	}
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
		case strings.HasSuffix(k, "_entries"):
			if math.Abs(g-w) > 50 {
				t.Errorf("%s = %v, inside %v", k, g, w)
			}
		case g < math.Min(w, after[k]) || g > math.Max(w, after[k]):
			t.Errorf("%s = %v, inside %v before and %v after", k, g, w, after[k])
		}
	}
}
