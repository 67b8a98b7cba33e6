//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// agentConfig writes a mackerel-agent.conf for a test: no cloud probing,
// a temporary root, and the given plugin sections.
func agentConfig(t *testing.T, apibase string, sections ...string) string {
	t.Helper()
	dir := t.TempDir()
	conf := fmt.Sprintf("apikey = \"e2e-dummy-key\"\napibase = %q\nroot = %q\npidfile = %q\ncloud_platform = \"none\"\n\n",
		apibase, filepath.Join(dir, "root"), filepath.Join(dir, "agent.pid"))
	conf += strings.Join(sections, "\n")
	path := filepath.Join(dir, "mackerel-agent.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// section returns one [plugin.KIND.NAME] section running argv.
func section(kind, name string, argv ...string) string {
	quoted := make([]string, len(argv))
	for i, a := range argv {
		quoted[i] = fmt.Sprintf("%q", a)
	}
	return fmt.Sprintf("[plugin.%s.%s]\ncommand = [%s]\n", kind, name, strings.Join(quoted, ", "))
}

// TestAgentOnce runs the three metric plugins on fixture trees through
// `mackerel-agent once` and looks for their values in what it would post.
func TestAgentOnce(t *testing.T) {
	agent := mackerelAgent(t)
	bins := plugins(t)
	state := t.TempDir()
	conf := agentConfig(t, "http://127.0.0.1:9",
		section("metrics", "ipvs", bins["mackerel-plugin-proc-net-ip_vs"], "-procfs-root", testbin.Fixture("lvs-director"), "-tempfile", filepath.Join(state, "ipvs")),
		section("metrics", "arp", bins["mackerel-plugin-proc-net-arp"], "-procfs-root", testbin.Fixture("arp-mixed-states"), "-tempfile", filepath.Join(state, "arp")),
		section("metrics", "percpu", bins["mackerel-plugin-proc-net-ip_vs_stats_percpu"], "-procfs-root", testbin.Fixture("lvs-director"), "-tempfile", filepath.Join(state, "percpu")),
	)
	// A rate needs a previous run: give the percpu plugin a state of a
	// minute ago with every counter at zero for CPU 19.
	var prev strings.Builder
	fmt.Fprintf(&prev, `{"_lastTime":%d`, time.Now().Unix()-60)
	for _, k := range []string{"conns.conn", "packets.in", "packets.out", "bytes.in", "bytes.out"} {
		fmt.Fprintf(&prev, `,"proc.net.ip_vs_stats_percpu.19.%s":0`, k)
	}
	prev.WriteString("}")
	if err := os.WriteFile(filepath.Join(state, "percpu"), []byte(prev.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(agent, "once", "-conf", conf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("mackerel-agent once: %v", err)
	}
	var posted struct {
		Metrics struct {
			Values []struct {
				Values map[string]struct{ Value float64 } `json:"Values"`
			} `json:"Values"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal(out, &posted); err != nil {
		t.Fatalf("agent output is not JSON: %v\n%.500s", err, out)
	}
	got := map[string]float64{}
	for _, v := range posted.Metrics.Values {
		for k, m := range v.Values {
			got[k] = m.Value
		}
	}
	want := map[string]float64{
		"custom.proc.net.ip_vs.TCP_10_0_0_1_80.weight.10_0_1_3_80":          0,
		"custom.proc.net.ip_vs.TCP_2001_db8__1_80.active_conns.10_0_1_5_80": 2,
		"custom.proc.net.ip_vs.FWM_1.inactive_conns.2001_db8__104_0":        1,
		"custom.proc.net.ip_vs.SCTP_10_0_0_2_3868.real_servers.available":   1,
		"custom.proc.net.arp.size":                                          8,
		"custom.proc.net.arp.states.proxy":                                  2,
		"custom.proc.net.arp.devices.ib0.complete":                          1,
		"custom.proc.net.arp.table.ipv4_gc_thresh3":                         1024,
		"custom.proc.net.arp.table.ipv4_entries":                            7,
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	// lvs-director's 24 CPU rows do not fit the default -max-metrics 25:
	// they are summarised. CPU 19 went from 0 to 20 connections in about
	// 60 s; the other CPUs had no previous value, so no rate.
	const cpus = "custom.proc.net.ip_vs_stats_percpu.cpus."
	if r, ok := got[cpus+"conn.max"]; !ok || r < 19 || r > 20 || got[cpus+"conn.mean"] != r || got[cpus+"rows.count"] != 1 || got[cpus+"busiest_share.conn"] != 100 {
		t.Errorf("percpu summary: conn.max %v (present %v), conn.mean %v, rows.count %v, busiest_share.conn %v; want about 20, 20, 1, 100",
			r, ok, got[cpus+"conn.mean"], got[cpus+"rows.count"], got[cpus+"busiest_share.conn"])
	}
	for k := range got {
		if strings.HasPrefix(k, "custom.proc.net.ip_vs_stats_percpu.19.") {
			t.Errorf("%s printed: the rows are summarised by default", k)
		}
	}
}
