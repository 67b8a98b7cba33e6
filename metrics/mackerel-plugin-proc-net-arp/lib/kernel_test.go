package arp

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
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

// ipStates are the states `ip neigh add ... nud STATE` makes that a
// neigh_* key counts, as ip prints them.
var ipStates = []string{"reachable", "stale", "delay", "probe", "incomplete", "failed", "permanent", "noarp"}

// delayIndex is the place of "delay" in stateNS's list, NONE first.
const delayIndex = 3

// stateNS is a namespace with two devices, on each an IPv4 and an IPv6
// entry in every state ip can make (NONE included, which no key counts),
// and proxy entries of both families, one bound to no device. Its
// timers are raised so that REACHABLE, DELAY, PROBE and INCOMPLETE stay
// put for the length of a test.
func stateNS(t *testing.T) *testbin.NetNS {
	t.Helper()
	ns := testbin.NewNetNS(t)
	ns.IP(t, "link", "add", "veth2", "type", "veth", "peer", "name", "veth3")
	ns.IP(t, "link", "set", "veth2", "up")
	ns.IP(t, "addr", "add", "10.78.0.1/16", "dev", "veth2")
	ns.IP(t, "addr", "add", "2001:db8:78::1/64", "dev", "veth2", "nodad")
	var sysctl strings.Builder
	for _, dev := range []string{ns.Dev, "veth2"} {
		for _, fam := range []string{"ipv4", "ipv6"} {
			for k, v := range map[string]string{"base_reachable_time_ms": "3600000", "delay_first_probe_time": "3600", "retrans_time_ms": "3600000"} {
				fmt.Fprintf(&sysctl, "echo %s > /proc/sys/net/%s/neigh/%s/%s\n", v, fam, dev, k)
			}
		}
	}
	if out, err := exec.Command("ip", "netns", "exec", ns.Name, "sh", "-ec", sysctl.String()).CombinedOutput(); err != nil {
		t.Fatalf("raising the timers: %v: %s", err, out)
	}
	var batch bytes.Buffer
	for d, dev := range []string{ns.Dev, "veth2"} {
		for i, st := range append([]string{"none"}, ipStates...) {
			for n := 0; n <= i%3; n++ { // 1 to 3 entries a state, to tell the counts apart
				mac := fmt.Sprintf("02:00:00:%02x:%02x:%02x", d, i, n)
				lladdr := "lladdr " + mac + " "
				if st == "delay" {
					st = "stale"
				}
				if st == "incomplete" || st == "failed" || st == "none" {
					lladdr = ""
				}
				fmt.Fprintf(&batch, "neigh add 10.%d.%d.%d %sdev %s nud %s\n", 77+d, 10+i, n+1, lladdr, dev, st)
				fmt.Fprintf(&batch, "neigh add 2001:db8:%d::%d:%d %sdev %s nud %s\n", 77+d, 10+i, n+1, lladdr, dev, st)
			}
		}
		fmt.Fprintf(&batch, "neigh add proxy 10.%d.99.1 dev %s\n", 77+d, dev)
		fmt.Fprintf(&batch, "neigh add proxy 2001:db8:%d::99:1 dev %s\n", 77+d, dev)
	}
	batch.WriteString("neigh add proxy 10.79.99.1\n") // bound to no device: "*"
	ns.Batch(t, batch.Bytes())
	// A proxy entry bound to no device outlives its namespace's deletion
	// and shows up in the next namespace made at the same address (seen
	// on 6.x): delete it before the namespace goes.
	t.Cleanup(func() { ns.IP(t, "neigh", "del", "proxy", "10.79.99.1") })
	// DELAY is what a STALE entry becomes when a packet goes out to it;
	// `nud delay` itself turns to PROBE at once.
	var send strings.Builder
	for d := range 2 {
		for n := 0; n <= delayIndex%3; n++ {
			fmt.Fprintf(&send, "echo > /dev/udp/10.%d.%d.%d/9\n", 77+d, 10+delayIndex, n+1)
			fmt.Fprintf(&send, "echo > /dev/udp/2001:db8:%d::%d:%d/9\n", 77+d, 10+delayIndex, n+1)
		}
	}
	if out, err := exec.Command("ip", "netns", "exec", ns.Name, "bash", "-ec", send.String()).CombinedOutput(); err != nil {
		t.Fatalf("sending to the DELAY entries: %v: %s", err, out)
	}
	return ns
}

// ipNeighStates counts the states `ip -4|-6 neigh show nud all` prints in
// the namespace.
func ipNeighStates(t *testing.T, ns *testbin.NetNS, fam string) map[string]float64 {
	t.Helper()
	out, err := exec.Command("ip", "-n", ns.Name, fam, "neigh", "show", "nud", "all").Output()
	if err != nil {
		t.Fatalf("ip %s neigh show: %v", fam, err)
	}
	counts := map[string]float64{}
	for _, st := range ipStates {
		counts[st] = 0
	}
	for _, line := range strings.Split(string(out), "\n") {
		for _, word := range strings.Fields(line) {
			if _, ok := counts[strings.ToLower(word)]; ok && word == strings.ToUpper(word) {
				counts[strings.ToLower(word)]++
			}
		}
	}
	return counts
}

// TestNeighStatesMatchIPNeigh compares the neigh_* keys with what ip
// prints in the same namespace, read right before and after the run: a
// run between two equal readings must give the same counts.
func TestNeighStatesMatchIPNeigh(t *testing.T) {
	bin := testbin.Build(t, pkg)
	ns := stateNS(t)
	for attempt := 1; ; attempt++ {
		before4, before6 := ipNeighStates(t, ns, "-4"), ipNeighStates(t, ns, "-6")
		// Every device (five groups of rows do not fit the default budget).
		res := ns.Run(t, nil, bin, "-max-metrics", "0", "-detail", "-tempfile", filepath.Join(t.TempDir(), "s"))
		grouped := ns.Run(t, nil, bin, "-max-metrics", "0", "-tempfile", filepath.Join(t.TempDir(), "s"))
		after4, after6 := ipNeighStates(t, ns, "-4"), ipNeighStates(t, ns, "-6")
		if !reflect.DeepEqual(before4, after4) || !reflect.DeepEqual(before6, after6) {
			if attempt == 5 {
				t.Fatalf("the states kept changing: %v %v, then %v %v", before4, before6, after4, after6)
			}
			continue
		}
		if res.ExitCode != 0 || res.Stderr != "" {
			t.Errorf("exit %d stderr %q", res.ExitCode, res.Stderr)
		}
		vals := testbin.ValueMap(t, res.Stdout)
		meta := testbin.Run(t, bin, []string{"MACKEREL_AGENT_PLUGIN_META=1"})
		checkOneGraphEach(t, testbin.Meta(t, meta.Stdout), vals)
		for fam, want := range map[string]map[string]float64{"ipv4": after4, "ipv6": after6} {
			for _, st := range ipStates {
				k := "proc.net.arp.neigh_" + fam + "." + st
				if got, ok := vals[k]; !ok || got != want[st] {
					t.Errorf("%s = %v (present %v), ip neigh shows %v", k, got, ok, want[st])
				}
			}
		}
		// By default the states print in four groups.
		gvals := testbin.ValueMap(t, grouped.Stdout)
		for fam, want := range map[string]map[string]float64{"ipv4": after4, "ipv6": after6} {
			for _, g := range stateGroups {
				var sum float64
				for _, st := range g.states {
					sum += want[st.String()]
				}
				k := "proc.net.arp.neigh_" + fam + "." + g.key
				if got, ok := gvals[k]; !ok || got != sum {
					t.Errorf("%s = %v (present %v), ip neigh shows %v", k, got, ok, sum)
				}
			}
		}
		// Every state the namespace was given is held, so that the
		// comparison above is not one of zeros.
		for _, st := range ipStates {
			if after4[st] == 0 || after6[st] == 0 {
				t.Errorf("no %s entry left: ip -4 %v, ip -6 %v", st, after4, after6)
			}
		}
		// Per device, as stateNS made them: complete = reachable 2 + stale 3
		// + delay 1 + probe 2; incomplete = incomplete 3 + failed 1; NONE
		// and NOARP entries are not rows.
		for _, dev := range []string{"veth0", "veth2"} {
			for k, want := range map[string]float64{"complete": 8, "incomplete": 4, "permanent": 2, "proxy": 1} {
				for _, p := range []string{"proc.net.arp.devices.", "proc.net.arp.ipv6_devices."} {
					if got := vals[p+dev+"."+k]; got != want {
						t.Errorf("%s%s.%s = %v, want %v", p, dev, k, got, want)
					}
				}
			}
		}
		if vals["proc.net.arp.devices.no_device.proxy"] != 1 {
			t.Errorf("devices.no_device.proxy = %v, want 1", vals["proc.net.arp.devices.no_device.proxy"])
		}
		return
	}
}

// TestNetlinkRowsEqualTheFile proves that size, states.* and devices.*
// computed from the dump are the rows of /proc/net/arp in the same
// namespace, read with -source procfs between two dumps that agree.
func TestNetlinkRowsEqualTheFile(t *testing.T) {
	bin := testbin.Build(t, pkg)
	ns := stateNS(t)
	rowKeys := func(vals map[string]float64) map[string]float64 {
		m := map[string]float64{}
		for k, v := range vals {
			if k == "proc.net.arp.size" || strings.HasPrefix(k, "proc.net.arp.states.") || strings.HasPrefix(k, "proc.net.arp.devices.") {
				m[k] = v
			}
		}
		return m
	}
	run := func(args ...string) map[string]float64 {
		res := ns.Run(t, nil, bin, append([]string{"-max-metrics", "0", "-tempfile", filepath.Join(t.TempDir(), "s")}, args...)...)
		// In a namespace the files of the global table are hidden, which
		// -source procfs says; the rows must not be skipped.
		if res.ExitCode != 0 || strings.Contains(res.Stderr, "ARP rows") || (len(args) == 0 && res.Stderr != "") {
			t.Fatalf("%q: exit %d stderr %q", args, res.ExitCode, res.Stderr)
		}
		return testbin.ValueMap(t, res.Stdout)
	}
	for attempt := 1; ; attempt++ {
		before := run()
		file := run("-source", "procfs")
		after := run("-source", "netlink")
		if !reflect.DeepEqual(rowKeys(before), rowKeys(after)) {
			if attempt == 5 {
				t.Fatalf("the rows kept changing")
			}
			continue
		}
		if got, want := rowKeys(file), rowKeys(after); !reflect.DeepEqual(got, want) {
			t.Errorf("from /proc/net/arp\n%v\nfrom rtnetlink\n%v", got, want)
		}
		if after["proc.net.arp.size"] != 2*(8+4+2+1)+1 {
			t.Errorf("size %v, want 31", after["proc.net.arp.size"])
		}
		for k := range file {
			if strings.Contains(k, "neigh_") || strings.Contains(k, "ipv6_devices") {
				t.Errorf("-source procfs printed %s", k)
			}
		}
		return
	}
}

// TestRealKernelBudgetOnAPodNode is the node of issue 20: 150 veth "pod"
// interfaces in a namespace, an IPv4 and an IPv6 neighbour on each. By
// default the plugin prints at most 48 metrics on its second run (rates
// included): the devices folded into their name family, veth, whose rows
// are every device's; -max-metrics 0 prints all 1,221.
func TestRealKernelBudgetOnAPodNode(t *testing.T) {
	bin := testbin.Build(t, pkg)
	ns := testbin.NewNetNS(t)
	var batch bytes.Buffer
	const pods = 150
	for i := range pods {
		dev := fmt.Sprintf("veth%08x", uint32(i)*0x9e3779b1)
		fmt.Fprintf(&batch, "link add %s type veth peer name pod%d\nlink set %s up\nlink set pod%d up\n", dev, i, dev, i)
		fmt.Fprintf(&batch, "neigh add 10.80.%d.%d lladdr 02:00:00:00:%02x:%02x dev %s nud permanent\n", i/250, i%250+1, i/256, i%256, dev)
		fmt.Fprintf(&batch, "neigh add 2001:db8:80::%x lladdr 02:00:00:00:%02x:%02x dev %s nud permanent\n", i+1, i/256, i%256, dev)
	}
	ns.Batch(t, batch.Bytes())
	run := func(args ...string) (first, second testbin.Result) {
		state := filepath.Join(t.TempDir(), "s.json")
		args = append(args, "-tempfile", state)
		first = ns.Run(t, nil, bin, args...)
		testbin.AgeState(t, state)
		second = ns.Run(t, nil, bin, args...)
		if first.ExitCode != 0 || second.ExitCode != 0 {
			t.Fatalf("%q: exit %d, %d; stderr %q, %q", args, first.ExitCode, second.ExitCode, first.Stderr, second.Stderr)
		}
		return first, second
	}
	first, second := run()
	vals := testbin.ValueMap(t, second.Stdout)
	_, every := run("-max-metrics", "0")
	all := testbin.ValueMap(t, every.Stdout)
	t.Logf("%d metrics by default, %d with -max-metrics 0", len(vals), len(all))
	if len(vals) > defaultMaxMetrics {
		t.Errorf("%d metrics by default, want at most %d:\n%s", len(vals), defaultMaxMetrics, second.Stdout)
	}
	if !strings.Contains(first.Stderr, "printed per name family") || strings.Count(first.Stderr, "\n") != 1 || second.Stderr != "" {
		t.Errorf("want one notice on the first run only: %q, then %q", first.Stderr, second.Stderr)
	}
	// 21 fixed keys in a namespace: no unresolved_discards over rtnetlink.
	if len(all) != 21+pods*8 {
		t.Errorf("-max-metrics 0: %d metrics, want %d", len(all), 21+pods*8)
	}
	for _, p := range []string{"devices.", "ipv6_devices."} {
		for _, st := range []string{"complete", "incomplete", "permanent", "proxy"} {
			var folded, whole float64
			for k, v := range vals {
				if strings.HasPrefix(k, "proc.net.arp."+p) && strings.HasSuffix(k, "."+st) {
					folded += v
				}
			}
			for k, v := range all {
				if strings.HasPrefix(k, "proc.net.arp."+p) && strings.HasSuffix(k, "."+st) {
					whole += v
				}
			}
			if folded != whole || st == "permanent" && whole != pods {
				t.Errorf("%s*.%s: %v printed by default, %v over every device (want %d permanent)", p, st, folded, whole, pods)
			}
		}
		if got := vals["proc.net.arp."+p+"veth.permanent"]; got != pods {
			t.Errorf("%sveth.permanent = %v, want %d", p, got, pods)
		}
	}
}
