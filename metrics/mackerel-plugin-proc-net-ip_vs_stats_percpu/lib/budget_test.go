package ipvsstatspercpu

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/devtools/bench/gen"
	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// TestBudgetOnHosts runs the plugin on generated trees of the hosts of
// issue 20 with a state of a minute ago holding every counter at zero,
// so that the second-run (rates) output is what is counted. Up to 10
// CPUs every row prints; above, the summary, whose mean times rows is
// the sum of the rows' rates and whose max and min are a row's.
func TestBudgetOnHosts(t *testing.T) {
	bin := testbin.Build(t, pkg)
	tests := []struct {
		host string
		cpus int
		args []string
		keys int
	}{
		{"small director, 8 CPUs", 8, nil, 8 * 5},
		{"10 CPUs, the most that print whole", 10, nil, 50},
		{"11 CPUs", 11, nil, summaryMetrics},
		{"20x8 director, 32 CPUs", 32, nil, summaryMetrics},
		{"2000x3 director, 64 CPUs", 64, nil, summaryMetrics},
		{"64 CPUs, -max-metrics 0", 64, []string{"-max-metrics", "0"}, 64 * 5},
		{"64 CPUs, -max-metrics 320", 64, []string{"-max-metrics", "320"}, 64 * 5},
		{"32 CPUs, -cpus 8", 32, []string{"-cpus", "8"}, 8 * 5},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			root := t.TempDir()
			if _, err := gen.Write(root, gen.Sizes{PerCPURows: tt.cpus}); err != nil {
				t.Fatal(err)
			}
			st, err := procnet.NewFS(root).IPVSStatsPerCPU()
			if err != nil {
				t.Fatal(err)
			}
			zero := map[int][5]float64{}
			for c := range tt.cpus {
				zero[c] = [5]float64{}
			}
			state := filepath.Join(t.TempDir(), "s.json")
			last := time.Now().Unix() - 60
			if err := os.WriteFile(state, []byte(stateOf(last, zero)), 0o600); err != nil {
				t.Fatal(err)
			}
			res := testbin.Run(t, bin, nil, append(tt.args, "-procfs-root", root, "-tempfile", state)...)
			vals := testbin.ValueMap(t, res.Stdout)
			if res.ExitCode != 0 || len(vals) != tt.keys {
				t.Fatalf("exit %d, %d values, want %d:\n%s", res.ExitCode, len(vals), tt.keys, res.Stdout)
			}
			if _, summary := vals["proc.net.ip_vs_stats_percpu.cpus.rows.count"]; !summary {
				if res.Stderr != "" {
					t.Errorf("every row printed, yet stderr %q", res.Stderr)
				}
				return
			}
			if res.Stderr == "" {
				t.Error("rows folded into the summary without a word on stderr")
			}
			_, stamp := testbin.Values(t, res.Stdout)
			perMinute := 60 / float64(stamp-last)
			if vals["proc.net.ip_vs_stats_percpu.cpus.rows.count"] != float64(tt.cpus) {
				t.Errorf("rows.count %v, want %d", vals["proc.net.ip_vs_stats_percpu.cpus.rows.count"], tt.cpus)
			}
			for _, c := range counters {
				var sum, hi float64
				lo := math.Inf(1)
				for _, row := range st.CPUs {
					v := float64(c.of(&row.Counters)) * perMinute
					sum, hi, lo = sum+v, max(hi, v), min(lo, v)
				}
				k := "proc.net.ip_vs_stats_percpu.cpus." + c.summary
				near(t, k+".mean x rows", vals[k+".mean"]*float64(tt.cpus), sum)
				near(t, k+".max", vals[k+".max"], hi)
				near(t, k+".min", vals[k+".min"], lo)
				near(t, "busiest_share."+c.summary, vals["proc.net.ip_vs_stats_percpu.cpus.busiest_share."+c.summary], hi*100/sum)
			}
		})
	}
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9*math.Abs(want) {
		t.Errorf("%s = %s, want %s", what, strconv.FormatFloat(got, 'g', -1, 64), strconv.FormatFloat(want, 'g', -1, 64))
	}
}
