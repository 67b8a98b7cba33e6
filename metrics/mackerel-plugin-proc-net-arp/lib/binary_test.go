package arp

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	mp "github.com/mackerelio/go-mackerel-plugin-helper"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

const pkg = "github.com/procnet/mackerel-plugin-proc-net/metrics/mackerel-plugin-proc-net-arp"

func TestFixtureOutputs(t *testing.T) {
	bin := testbin.Build(t, pkg)
	tests := []struct {
		golden string
		root   string
		args   []string
		stderr string
	}{
		{"arp-mixed-states", "arp-mixed-states", nil,
			name + ": skipping inet6 neighbour table size and GC counters: open ROOT/net/stat/ndisc_cache: no such file or directory\n" +
				name + ": skipping inet6 gc_thresh: open ROOT/sys/net/ipv6/neigh/default/gc_thresh3: no such file or directory\n"},
		{"arp-mixed-states-table-only", "arp-mixed-states", []string{"-table-only"},
			name + ": skipping inet6 neighbour table size and GC counters: open ROOT/net/stat/ndisc_cache: no such file or directory\n" +
				name + ": skipping inet6 gc_thresh: open ROOT/sys/net/ipv6/neigh/default/gc_thresh3: no such file or directory\n"},
		{"container", "container", nil,
			name + ": skipping inet neighbour table size and GC counters: open ROOT/net/stat/arp_cache: no such file or directory\n" +
				name + ": skipping inet gc_thresh: open ROOT/sys/net/ipv4/neigh/default/gc_thresh3: no such file or directory\n" +
				name + ": skipping inet6 neighbour table size and GC counters: open ROOT/net/stat/ndisc_cache: no such file or directory\n" +
				name + ": skipping inet6 gc_thresh: open ROOT/sys/net/ipv6/neigh/default/gc_thresh3: no such file or directory\n"},
		{"lvs-director-prefix", "lvs-director", []string{"-metric-key-prefix", "host1.arp"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			root := testbin.Fixture(tt.root)
			args := append([]string{"-procfs-root", root, "-tempfile", filepath.Join(t.TempDir(), "s")}, tt.args...)
			res := testbin.Run(t, bin, nil, args...)
			if res.ExitCode != 0 {
				t.Errorf("exit %d", res.ExitCode)
			}
			if want := strings.ReplaceAll(tt.stderr, "ROOT", root); res.Stderr != want {
				t.Errorf("stderr\n%s\nwant\n%s", res.Stderr, want)
			}
			got, _ := testbin.Values(t, res.Stdout)
			testbin.Golden(t, tt.golden, got)
		})
	}
}

// -table-only must not open net/arp at all: on a tree whose net/arp is
// a directory, any read would fail and say so.
func TestTableOnlyNeverOpensARP(t *testing.T) {
	bin := testbin.Build(t, pkg)
	root := t.TempDir()
	testbin.CopyTree(t, testbin.Fixture("lvs-director"), root)
	os.Remove(filepath.Join(root, "net", "arp"))
	if err := os.Mkdir(filepath.Join(root, "net", "arp"), 0o755); err != nil {
		t.Fatal(err)
	}
	res := testbin.Run(t, bin, nil, "-table-only", "-procfs-root", root, "-tempfile", filepath.Join(t.TempDir(), "s"))
	if res.ExitCode != 0 || res.Stderr != "" || strings.Contains(res.Stdout, ".size") || !strings.Contains(res.Stdout, "table.ipv4_entries\t6\t") {
		t.Errorf("exit %d stderr %q stdout\n%s", res.ExitCode, res.Stderr, res.Stdout)
	}
	res = testbin.Run(t, bin, nil, "-procfs-root", root, "-tempfile", filepath.Join(t.TempDir(), "s"))
	if !strings.Contains(res.Stderr, "skipping ARP rows") || !strings.Contains(res.Stdout, "table.ipv4_entries") {
		t.Errorf("without -table-only: stderr %q stdout\n%s", res.Stderr, res.Stdout)
	}
}

func TestTargetFlagAndDeviceNames(t *testing.T) {
	bin := testbin.Build(t, pkg)
	arp := filepath.Join(t.TempDir(), "arp")
	content := "IP address       HW type     Flags       HW address            Mask     Device\n" +
		"10.0.0.1         0x1         0x2         52:54:00:12:34:56     *        eth0.100\n" +
		"10.0.0.2         0x1         0x2         52:54:00:12:34:57     *        br-lan@x\n"
	if err := os.WriteFile(arp, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	res := testbin.Run(t, bin, nil, "-target", arp, "-procfs-root", testbin.Fixture("container"), "-tempfile", filepath.Join(t.TempDir(), "s"))
	vals := testbin.ValueMap(t, res.Stdout)
	if vals["proc.net.arp.size"] != 2 || vals["proc.net.arp.devices.eth0_100.complete"] != 1 || vals["proc.net.arp.devices.br-lan_x.complete"] != 1 {
		t.Errorf("values %v", vals)
	}
}

func TestGCRatesOverTwoRuns(t *testing.T) {
	bin := testbin.Build(t, pkg)
	state := filepath.Join(t.TempDir(), "s.json")
	last := time.Now().Unix() - 60
	// arp-mixed-states: table_fulls 1, forced_gc_runs 3, unresolved_discards 4.
	prev := fmt.Sprintf(`{"_lastTime":%d,"proc.net.arp.gc.ipv4_table_fulls":0,"proc.net.arp.gc.ipv4_forced_gc_runs":1,"proc.net.arp.gc.ipv4_unresolved_discards":9}`, last)
	if err := os.WriteFile(state, []byte(prev), 0o600); err != nil {
		t.Fatal(err)
	}
	res := testbin.Run(t, bin, nil, "-table-only", "-procfs-root", testbin.Fixture("arp-mixed-states"), "-tempfile", state)
	testbin.CheckRates(t, res.Stdout, map[string]float64{
		"proc.net.arp.gc.ipv4_table_fulls":    1,
		"proc.net.arp.gc.ipv4_forced_gc_runs": 2,
	}, last)
	if strings.Contains(res.Stdout, "unresolved_discards") {
		t.Errorf("a counter that went backwards produced a rate:\n%s", res.Stdout)
	}
}

func TestOldKernelWithoutTableFulls(t *testing.T) {
	bin := testbin.Build(t, pkg)
	state := filepath.Join(t.TempDir(), "s.json")
	testbin.Run(t, bin, nil, "-table-only", "-procfs-root", testbin.Fixture("arp-cache-no-table-fulls"), "-tempfile", state)
	b, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "table_fulls") || !strings.Contains(string(b), `"proc.net.arp.gc.ipv4_forced_gc_runs":2`) {
		t.Errorf("state %s", b)
	}
}

func TestMetaDefinesEveryKey(t *testing.T) {
	bin := testbin.Build(t, pkg)
	meta := testbin.Run(t, bin, []string{"MACKEREL_AGENT_PLUGIN_META=1"})
	graphs := testbin.Meta(t, meta.Stdout)
	testbin.Golden(t, "meta", meta.Stdout)
	state := filepath.Join(t.TempDir(), "s.json")
	vals := testbin.EveryValue(t, bin, state, "-procfs-root", testbin.Fixture("lvs-director"), "-tempfile", state)
	checkOneGraphEach(t, graphs, vals)
}

// checkOneGraphEach fails unless every key belongs to exactly one graph
// definition: a key two graphs match would be drawn twice.
func checkOneGraphEach(t *testing.T, graphs map[string]mp.Graphs, vals map[string]float64) {
	t.Helper()
	for k := range vals {
		var in []string
		for name, g := range graphs {
			if testbin.Defined(map[string]mp.Graphs{name: g}, k) {
				in = append(in, name)
			}
		}
		if len(in) != 1 {
			t.Errorf("%s belongs to %d graph definitions %v, want 1", k, len(in), in)
		}
	}
}

func TestSourceFlag(t *testing.T) {
	bin := testbin.Build(t, pkg)
	for _, tt := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"-source", "rtnetlink"}, name + ": -source \"rtnetlink\": want auto, netlink or procfs\n"},
		{[]string{"-source", ""}, name + ": -source \"\": want auto, netlink or procfs\n"},
		{[]string{"-source", "netlink", "-target", "/proc/net/arp"}, name + ": -target names a file: it cannot be read with -source netlink\n"},
		{[]string{"-max-metrics", "38"}, name + ": -max-metrics 38: want 0 (no limit) or at least 39\n"},
		{[]string{"-max-metrics", "-5"}, name + ": -max-metrics -5: want 0 (no limit) or at least 39\n"},
		{[]string{"-max-metrics", "50", "-detail"}, name + ": -max-metrics 50: want 0 (no limit) or at least 51\n"},
	} {
		res := testbin.Run(t, bin, nil, append(tt.args, "-tempfile", filepath.Join(t.TempDir(), "s"))...)
		// 2, as for an unknown flag; nothing printed but the reason.
		if res.ExitCode != 2 || res.Stderr != tt.stderr || res.Stdout != "" {
			t.Errorf("%q: exit %d stdout %q stderr %q, want 2 and %q", tt.args, res.ExitCode, res.Stdout, res.Stderr, tt.stderr)
		}
	}
	if res := testbin.Run(t, bin, nil, "-nosuchflag"); res.ExitCode != 2 {
		t.Errorf("unknown flag: exit %d, the -source errors' code must be the same", res.ExitCode)
	}
	// A fixture tree is read as files whatever -source auto would do on
	// the live /proc; -source procfs says so explicitly.
	for _, src := range []string{"auto", "procfs"} {
		res := testbin.Run(t, bin, nil, "-source", src, "-procfs-root", testbin.Fixture("lvs-director"), "-tempfile", filepath.Join(t.TempDir(), "s"))
		if res.ExitCode != 0 || strings.Contains(res.Stdout, "neigh_") || strings.Contains(res.Stdout, "ipv6_devices") || !strings.Contains(res.Stdout, "proc.net.arp.size\t") {
			t.Errorf("-source %s on a fixture: exit %d stdout\n%s", src, res.ExitCode, res.Stdout)
		}
	}
}
