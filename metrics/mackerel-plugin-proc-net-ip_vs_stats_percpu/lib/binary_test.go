package ipvsstatspercpu

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

const pkg = "github.com/procnet/mackerel-plugin-proc-net/metrics/mackerel-plugin-proc-net-ip_vs_stats_percpu"

// counters of CPU c in testdata/lvs-director: c+1 conns, 10(c+1) and
// 9(c+1) packets, 1000(c+1) and 900(c+1) bytes.
func fixtureCounters(c int) [5]float64 {
	n := float64(c + 1)
	return [5]float64{n, 10 * n, 9 * n, 1000 * n, 900 * n}
}

var suffixes = [5]string{"conns.conn", "packets.in", "packets.out", "bytes.in", "bytes.out"}

// stateOf returns a helper-compatible state holding the given counters
// per CPU under the default prefix.
func stateOf(last int64, cpus map[int][5]float64) string {
	parts := []string{fmt.Sprintf(`"_lastTime":%d`, last)}
	for c, v := range cpus {
		for i, s := range suffixes {
			parts = append(parts, fmt.Sprintf(`"proc.net.ip_vs_stats_percpu.%d.%s":%v`, c, s, v[i]))
		}
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func TestFirstRunPrintsNothingAndKeepsEveryCPU(t *testing.T) {
	bin := testbin.Build(t, pkg)
	state := filepath.Join(t.TempDir(), "s.json")
	res := testbin.Run(t, bin, nil, "-procfs-root", testbin.Fixture("lvs-director"), "-tempfile", state)
	// 24 rows: the summary, said once.
	notice := name + ": the CPU rows (5 metrics each) do not fit -max-metrics 25: printing the max, mean and min over CPUs and the busiest CPU's share under cpus. (21 metrics) until the whole fits 80% of it for an hour; -max-metrics 0 prints every CPU row\n"
	if res.ExitCode != 0 || res.Stdout != "" || res.Stderr != notice {
		t.Fatalf("exit %d stdout %q stderr %q", res.ExitCode, res.Stdout, res.Stderr)
	}
	testbin.AgeState(t, state)
	if res := testbin.Run(t, bin, nil, "-procfs-root", testbin.Fixture("lvs-director"), "-tempfile", state); res.Stderr != "" || !strings.Contains(res.Stdout, "cpus.rows.count\t24\t") {
		t.Errorf("second run: stderr %q (the notice again?), stdout\n%s", res.Stderr, res.Stdout)
	}
	b, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"proc.net.ip_vs_stats_percpu.0.conns.conn":1`, `"proc.net.ip_vs_stats_percpu.19.bytes.out":18000`, `"proc.net.ip_vs_stats_percpu.32.packets.in":330`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("state lacks %s: %s", want, b)
		}
	}
}

func TestRatesOverTwoRuns(t *testing.T) {
	bin := testbin.Build(t, pkg)
	state := filepath.Join(t.TempDir(), "s.json")
	last := time.Now().Unix() - 60
	prev := map[int][5]float64{
		0:  {0, 0, 0, 0, 0},
		19: {0, 0, 0, 0, 0},           // row "13"
		31: {0, 0, 0, 0, 0},           // row "1F"
		2:  {1e9, 1e9, 1e9, 1e9, 1e9}, // went backwards: reload or 32-bit wrap
		99: {0, 0, 0, 0, 0},           // a CPU that has gone
	}
	if err := os.WriteFile(state, []byte(stateOf(last, prev)), 0o600); err != nil {
		t.Fatal(err)
	}
	res := testbin.Run(t, bin, nil, "-max-metrics", "0", "-procfs-root", testbin.Fixture("lvs-director"), "-tempfile", state)
	if res.ExitCode != 0 || res.Stderr != "" {
		t.Fatalf("exit %d stderr %q", res.ExitCode, res.Stderr)
	}
	got, stamp := testbin.Values(t, res.Stdout)
	var want strings.Builder
	for _, c := range []int{0, 19, 31} {
		for i, s := range suffixes {
			rate := fixtureCounters(c)[i] * 60 / float64(stamp-last)
			fmt.Fprintf(&want, "proc.net.ip_vs_stats_percpu.%d.%s\t%v\tTS\n", c, s, rate)
		}
	}
	if got != want.String() {
		t.Errorf("got\n%s\nwant\n%s", got, want.String())
	}
}

func TestCPUsFlagKeepsLowerIDs(t *testing.T) {
	bin := testbin.Build(t, pkg)
	state := filepath.Join(t.TempDir(), "s.json")
	last := time.Now().Unix() - 60
	prev := map[int][5]float64{}
	for c := 0; c < 33; c++ {
		prev[c] = [5]float64{}
	}
	if err := os.WriteFile(state, []byte(stateOf(last, prev)), 0o600); err != nil {
		t.Fatal(err)
	}
	res := testbin.Run(t, bin, nil, "-cpus", "4", "-procfs-root", testbin.Fixture("lvs-director"), "-tempfile", state)
	vals := testbin.ValueMap(t, res.Stdout)
	if len(vals) != 4*5 {
		t.Errorf("%d values, want 20 (CPUs 0-3):\n%s", len(vals), res.Stdout)
	}
	if _, ok := vals["proc.net.ip_vs_stats_percpu.3.bytes.out"]; !ok {
		t.Errorf("CPU 3 missing:\n%s", res.Stdout)
	}
}

func TestBadInput(t *testing.T) {
	bin := testbin.Build(t, pkg)
	tests := []struct {
		name   string
		args   []string
		exit   int
		stderr string
	}{
		{"ip_vs not loaded", []string{"-procfs-root", testbin.Fixture("container")}, 1, "skipping per-CPU IPVS rates: open " + testbin.Fixture("container") + "/net/ip_vs_stats_percpu: no such file or directory"},
		{"negative -cpus", []string{"-cpus", "-1"}, 2, "-cpus must not be negative"},
		{"non-numeric -cpus", []string{"-cpus", "four"}, 2, `invalid value "four" for flag -cpus`},
		{"bad prefix", []string{"-metric-key-prefix", "a b"}, 2, "invalid -metric-key-prefix"},
		{"-max-metrics below the summary", []string{"-max-metrics", "20"}, 2, "-max-metrics 20: want 0 (no limit) or at least 21"},
		{"negative -max-metrics", []string{"-max-metrics", "-1"}, 2, "-max-metrics -1: want 0 (no limit) or at least 21"},
		{"non-numeric -max-metrics", []string{"-max-metrics", "many"}, 2, `invalid value "many" for flag -max-metrics`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := testbin.Run(t, bin, nil, append(tt.args, "-tempfile", filepath.Join(t.TempDir(), "s"))...)
			if res.ExitCode != tt.exit || res.Stdout != "" || !strings.Contains(res.Stderr, tt.stderr) {
				t.Errorf("exit %d stdout %q stderr %q; want exit %d and %q", res.ExitCode, res.Stdout, res.Stderr, tt.exit, tt.stderr)
			}
		})
	}
}

func TestMetaDefinesEveryKey(t *testing.T) {
	bin := testbin.Build(t, pkg)
	meta := testbin.Run(t, bin, []string{"MACKEREL_AGENT_PLUGIN_META=1"})
	graphs := testbin.Meta(t, meta.Stdout)
	testbin.Golden(t, "meta", meta.Stdout)
	if g := graphs["proc.net.ip_vs_stats_percpu.#.bytes"]; g.Unit != "bytes" {
		t.Errorf("bytes graph unit %q, want bytes", g.Unit)
	}
	state := filepath.Join(t.TempDir(), "s.json")
	prev := map[int][5]float64{}
	for c := 0; c < 33; c++ {
		prev[c] = [5]float64{}
	}
	if err := os.WriteFile(state, []byte(stateOf(time.Now().Unix()-60, prev)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		keys int
	}{{[]string{"-max-metrics", "0"}, 24 * 5}, {nil, summaryMetrics}} {
		os.WriteFile(state, []byte(stateOf(time.Now().Unix()-60, prev)), 0o600)
		res := testbin.Run(t, bin, nil, append(tt.args, "-procfs-root", testbin.Fixture("lvs-director"), "-tempfile", state)...)
		vals := testbin.ValueMap(t, res.Stdout)
		if len(vals) != tt.keys {
			t.Errorf("%v: %d values, want %d", tt.args, len(vals), tt.keys)
		}
		for k := range vals {
			if !testbin.Defined(graphs, k) {
				t.Errorf("%s belongs to no graph definition", k)
			}
		}
	}
}
