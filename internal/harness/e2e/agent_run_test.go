//go:build e2e

package e2e

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// checkScenario is one [plugin.checks.NAME] entry and the report the agent
// must post for it.
type checkScenario struct {
	name    string
	argv    func(bins map[string]string) []string
	status  string
	message string
}

func checkScenarios(stateDir string) []checkScenario {
	ipvs := func(tree string, extra ...string) func(map[string]string) []string {
		return func(b map[string]string) []string {
			return append([]string{b["check-ipvs"], "--procfs-root", testbin.Fixture(tree)}, extra...)
		}
	}
	arp := func(tree string, extra ...string) func(map[string]string) []string {
		return func(b map[string]string) []string {
			return append([]string{b["check-arp-table"], "--procfs-root", testbin.Fixture(tree), "--state-file", filepath.Join(stateDir, tree+strings.Join(extra, ""))}, extra...)
		}
	}
	firstCheck := "0 table overflows so far, none to compare with (first check); source "
	return []checkScenario{
		{"arp-ok", arp("lvs-director"), "OK", "ARP-TABLE OK: 6 of 1024 entries (0.6% of gc_thresh3; gc_thresh2 512); " + firstCheck + testbin.Fixture("lvs-director") + "/net/stat/arp_cache"},
		{"arp-warning", arp("arp-table-near-full"), "WARNING", "ARP-TABLE WARNING: 850 of 1024 entries (83.0% of gc_thresh3; gc_thresh2 512); " + firstCheck + testbin.Fixture("arp-table-near-full") + "/net/stat/arp_cache"},
		{"arp-critical", arp("arp-table-near-full", "-w", "700", "-c", "800"), "CRITICAL", "ARP-TABLE CRITICAL: 850 of 1024 entries (83.0% of gc_thresh3; gc_thresh2 512); " + firstCheck + testbin.Fixture("arp-table-near-full") + "/net/stat/arp_cache"},
		{"arp-unknown", arp("arp-table-malformed-stat"), "UNKNOWN", "ARP-TABLE UNKNOWN: " + testbin.Fixture("arp-table-malformed-stat") + "/net/stat/arp_cache:3: 3 values, header has 13 columns"},
		{"ipvs-ok", ipvs("ipvs-all-available"), "OK", "IPVS OK: 6 services, 10 real servers, all available"},
		{"ipvs-warning", ipvs("ipvs-one-quiescent"), "WARNING", "IPVS WARNING: TCP 10.0.0.1:80 -> 10.0.1.3:80 weight 0"},
		{"ipvs-critical", ipvs("ipvs-all-quiescent"), "CRITICAL", "IPVS CRITICAL: TCP 10.0.0.1:80: 0 of 2 real servers available"},
		{"ipvs-unknown", ipvs("container"), "UNKNOWN", "IPVS UNKNOWN: " + testbin.Fixture("container") + "/net/ip_vs not found: the ip_vs module is not loaded, or the file is hidden from this process (in a container, mount the host's /proc and set --procfs-root or HOST_PROC)"},
	}
}

// TestAgentPostsGraphDefsAndCheckReports runs mackerel-agent against a
// local API stub with the three metric plugins and every check scenario,
// and asserts what it posts. Non-OK reports are posted at once; OK ones
// with the agent's first one-minute report tick.
func TestAgentPostsGraphDefsAndCheckReports(t *testing.T) {
	agent := mackerelAgent(t)
	bins := plugins(t)
	api := newAPIStub(t)
	state := t.TempDir()
	sections := []string{
		section("metrics", "ipvs", bins["mackerel-plugin-proc-net-ip_vs"], "-procfs-root", testbin.Fixture("lvs-director"), "-tempfile", state+"/ipvs"),
		section("metrics", "arp", bins["mackerel-plugin-proc-net-arp"], "-procfs-root", testbin.Fixture("lvs-director"), "-tempfile", state+"/arp"),
		section("metrics", "percpu", bins["mackerel-plugin-proc-net-ip_vs_stats_percpu"], "-procfs-root", testbin.Fixture("lvs-director"), "-tempfile", state+"/percpu"),
	}
	scenarios := checkScenarios(t.TempDir())
	for _, s := range scenarios {
		sections = append(sections, section("checks", s.name, s.argv(bins)...))
	}
	conf := agentConfig(t, api.URL, sections...)

	var logs bytes.Buffer
	cmd := exec.Command(agent, "-conf", conf)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Error("the agent did not stop within 30 s of SIGTERM")
		}
		if t.Failed() {
			t.Logf("agent log:\n%s", logs.String())
		}
	}()

	done := func() bool {
		defs, reports := api.snapshot()
		return len(defs) >= len(wantGraphs) && len(reports) == len(scenarios)
	}
	deadline := time.After(150 * time.Second)
	for !done() {
		select {
		case <-api.changed:
		case err := <-exited:
			t.Fatalf("the agent exited early: %v", err)
		case <-deadline:
			defs, reports := api.snapshot()
			t.Fatalf("after 150 s the agent had posted %d graph definitions and %d check reports", len(defs), len(reports))
		}
	}

	defs, reports := api.snapshot()
	for _, name := range []string{"arp-critical", "ipvs-warning"} {
		t.Logf("posted check report %s: %+v", name, reports[name])
	}
	for _, name := range []string{"custom.proc.net.ip_vs.#.weight", "custom.proc.net.arp.table", "custom.proc.net.ip_vs_stats_percpu.#.bytes"} {
		t.Logf("posted graph definition: %+v", defs[name])
	}
	for _, s := range scenarios {
		r := reports[s.name]
		// The agent posts the plugin's stdout as it is, newline included.
		if r.Status != s.status || r.Message != s.message+"\n" {
			t.Errorf("check %s: posted %s %q, want %s %q", s.name, r.Status, r.Message, s.status, s.message)
		}
	}
	var names []string
	for name := range defs {
		names = append(names, name)
	}
	sort.Strings(names)
	for name, want := range wantGraphs {
		d, ok := defs[name]
		if !ok {
			t.Errorf("graph %s not posted; posted %v", name, names)
			continue
		}
		var metrics []string
		for _, m := range d.Metrics {
			metrics = append(metrics, m.Name)
		}
		if d.Unit != want.unit || strings.Join(metrics, " ") != want.metrics || d.DisplayName == "" {
			t.Errorf("graph %s: unit %q, metrics %q, label %q; want unit %q, metrics %q", name, d.Unit, strings.Join(metrics, " "), d.DisplayName, want.unit, want.metrics)
		}
	}
	if len(defs) != len(wantGraphs) {
		t.Errorf("posted %d graph definitions, want %d: %v", len(defs), len(wantGraphs), names)
	}
}

type wantGraph struct{ unit, metrics string }

var wantGraphs = map[string]wantGraph{
	"custom.proc.net.ip_vs.#.weight":                        {"integer", "custom.proc.net.ip_vs.#.weight.*"},
	"custom.proc.net.ip_vs.#.active_conns":                  {"integer", "custom.proc.net.ip_vs.#.active_conns.*"},
	"custom.proc.net.ip_vs.#.inactive_conns":                {"integer", "custom.proc.net.ip_vs.#.inactive_conns.*"},
	"custom.proc.net.ip_vs.#.real_servers":                  {"integer", "custom.proc.net.ip_vs.#.real_servers.total custom.proc.net.ip_vs.#.real_servers.available"},
	"custom.proc.net.ip_vs.#.service_conns":                 {"integer", "custom.proc.net.ip_vs.#.service_conns.new"},
	"custom.proc.net.ip_vs.#.service_packets":               {"integer", "custom.proc.net.ip_vs.#.service_packets.in custom.proc.net.ip_vs.#.service_packets.out"},
	"custom.proc.net.ip_vs.#.service_bytes":                 {"bytes", "custom.proc.net.ip_vs.#.service_bytes.in custom.proc.net.ip_vs.#.service_bytes.out"},
	"custom.proc.net.ip_vs.#.conns":                         {"integer", "custom.proc.net.ip_vs.#.conns.*"},
	"custom.proc.net.ip_vs.#.packets_in":                    {"integer", "custom.proc.net.ip_vs.#.packets_in.*"},
	"custom.proc.net.ip_vs.#.packets_out":                   {"integer", "custom.proc.net.ip_vs.#.packets_out.*"},
	"custom.proc.net.ip_vs.#.bytes_in":                      {"bytes", "custom.proc.net.ip_vs.#.bytes_in.*"},
	"custom.proc.net.ip_vs.#.bytes_out":                     {"bytes", "custom.proc.net.ip_vs.#.bytes_out.*"},
	"custom.proc.net.ip_vs.#.persistent_conns":              {"integer", "custom.proc.net.ip_vs.#.persistent_conns.*"},
	"custom.proc.net.ip_vs.sync_daemon":                     {"integer", "custom.proc.net.ip_vs.sync_daemon.master custom.proc.net.ip_vs.sync_daemon.backup"},
	"custom.proc.net.ip_vs.defense":                         {"integer", "custom.proc.net.ip_vs.defense.drop_entry custom.proc.net.ip_vs.defense.drop_packet custom.proc.net.ip_vs.defense.secure_tcp"},
	"custom.proc.net.ip_vs.vips":                            {"integer", "custom.proc.net.ip_vs.vips.total custom.proc.net.ip_vs.vips.local"},
	"custom.proc.net.ip_vs.stats.connections":               {"integer", "custom.proc.net.ip_vs.stats.connections.conns"},
	"custom.proc.net.ip_vs.stats.packets":                   {"integer", "custom.proc.net.ip_vs.stats.packets.in custom.proc.net.ip_vs.stats.packets.out"},
	"custom.proc.net.ip_vs.stats.bytes":                     {"bytes", "custom.proc.net.ip_vs.stats.bytes.in custom.proc.net.ip_vs.stats.bytes.out"},
	"custom.proc.net.ip_vs_stats_percpu.#.conns":            {"integer", "custom.proc.net.ip_vs_stats_percpu.#.conns.conn"},
	"custom.proc.net.ip_vs_stats_percpu.#.packets":          {"integer", "custom.proc.net.ip_vs_stats_percpu.#.packets.in custom.proc.net.ip_vs_stats_percpu.#.packets.out"},
	"custom.proc.net.ip_vs_stats_percpu.#.bytes":            {"bytes", "custom.proc.net.ip_vs_stats_percpu.#.bytes.in custom.proc.net.ip_vs_stats_percpu.#.bytes.out"},
	"custom.proc.net.ip_vs_stats_percpu.cpus.conn":          {"integer", "custom.proc.net.ip_vs_stats_percpu.cpus.conn.max custom.proc.net.ip_vs_stats_percpu.cpus.conn.mean custom.proc.net.ip_vs_stats_percpu.cpus.conn.min"},
	"custom.proc.net.ip_vs_stats_percpu.cpus.packets_in":    {"integer", "custom.proc.net.ip_vs_stats_percpu.cpus.packets_in.max custom.proc.net.ip_vs_stats_percpu.cpus.packets_in.mean custom.proc.net.ip_vs_stats_percpu.cpus.packets_in.min"},
	"custom.proc.net.ip_vs_stats_percpu.cpus.packets_out":   {"integer", "custom.proc.net.ip_vs_stats_percpu.cpus.packets_out.max custom.proc.net.ip_vs_stats_percpu.cpus.packets_out.mean custom.proc.net.ip_vs_stats_percpu.cpus.packets_out.min"},
	"custom.proc.net.ip_vs_stats_percpu.cpus.bytes_in":      {"bytes", "custom.proc.net.ip_vs_stats_percpu.cpus.bytes_in.max custom.proc.net.ip_vs_stats_percpu.cpus.bytes_in.mean custom.proc.net.ip_vs_stats_percpu.cpus.bytes_in.min"},
	"custom.proc.net.ip_vs_stats_percpu.cpus.bytes_out":     {"bytes", "custom.proc.net.ip_vs_stats_percpu.cpus.bytes_out.max custom.proc.net.ip_vs_stats_percpu.cpus.bytes_out.mean custom.proc.net.ip_vs_stats_percpu.cpus.bytes_out.min"},
	"custom.proc.net.ip_vs_stats_percpu.cpus.busiest_share": {"percentage", "custom.proc.net.ip_vs_stats_percpu.cpus.busiest_share.conn custom.proc.net.ip_vs_stats_percpu.cpus.busiest_share.packets_in custom.proc.net.ip_vs_stats_percpu.cpus.busiest_share.packets_out custom.proc.net.ip_vs_stats_percpu.cpus.busiest_share.bytes_in custom.proc.net.ip_vs_stats_percpu.cpus.busiest_share.bytes_out"},
	"custom.proc.net.ip_vs_stats_percpu.cpus.rows":          {"integer", "custom.proc.net.ip_vs_stats_percpu.cpus.rows.count"},
	"custom.proc.net.arp":                                   {"integer", "custom.proc.net.arp.size"},
	"custom.proc.net.arp.states":                            {"integer", "custom.proc.net.arp.states.complete custom.proc.net.arp.states.incomplete custom.proc.net.arp.states.permanent custom.proc.net.arp.states.proxy"},
	"custom.proc.net.arp.devices.#":                         {"integer", "custom.proc.net.arp.devices.#.complete custom.proc.net.arp.devices.#.incomplete custom.proc.net.arp.devices.#.permanent custom.proc.net.arp.devices.#.proxy"},
	"custom.proc.net.arp.ipv6_devices.#":                    {"integer", "custom.proc.net.arp.ipv6_devices.#.complete custom.proc.net.arp.ipv6_devices.#.incomplete custom.proc.net.arp.ipv6_devices.#.permanent custom.proc.net.arp.ipv6_devices.#.proxy"},
	"custom.proc.net.arp.neigh_ipv4":                        {"integer", "custom.proc.net.arp.neigh_ipv4.reachable custom.proc.net.arp.neigh_ipv4.stale custom.proc.net.arp.neigh_ipv4.delay custom.proc.net.arp.neigh_ipv4.probe custom.proc.net.arp.neigh_ipv4.incomplete custom.proc.net.arp.neigh_ipv4.failed custom.proc.net.arp.neigh_ipv4.permanent custom.proc.net.arp.neigh_ipv4.noarp custom.proc.net.arp.neigh_ipv4.unconfirmed custom.proc.net.arp.neigh_ipv4.unresolved custom.proc.net.arp.neigh_ipv4.static"},
	"custom.proc.net.arp.neigh_ipv6":                        {"integer", "custom.proc.net.arp.neigh_ipv6.reachable custom.proc.net.arp.neigh_ipv6.stale custom.proc.net.arp.neigh_ipv6.delay custom.proc.net.arp.neigh_ipv6.probe custom.proc.net.arp.neigh_ipv6.incomplete custom.proc.net.arp.neigh_ipv6.failed custom.proc.net.arp.neigh_ipv6.permanent custom.proc.net.arp.neigh_ipv6.noarp custom.proc.net.arp.neigh_ipv6.unconfirmed custom.proc.net.arp.neigh_ipv6.unresolved custom.proc.net.arp.neigh_ipv6.static"},
	"custom.proc.net.arp.table":                             {"integer", "custom.proc.net.arp.table.ipv4_entries custom.proc.net.arp.table.ipv6_entries custom.proc.net.arp.table.ipv4_gc_thresh1 custom.proc.net.arp.table.ipv4_gc_thresh2 custom.proc.net.arp.table.ipv4_gc_thresh3 custom.proc.net.arp.table.ipv6_gc_thresh1 custom.proc.net.arp.table.ipv6_gc_thresh2 custom.proc.net.arp.table.ipv6_gc_thresh3"},
	"custom.proc.net.arp.gc":                                {"integer", "custom.proc.net.arp.gc.ipv4_table_fulls custom.proc.net.arp.gc.ipv4_forced_gc_runs custom.proc.net.arp.gc.ipv4_unresolved_discards custom.proc.net.arp.gc.ipv6_table_fulls custom.proc.net.arp.gc.ipv6_forced_gc_runs custom.proc.net.arp.gc.ipv6_unresolved_discards"},
}
