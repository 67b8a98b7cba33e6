package ipvsstatspercpu

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/devtools/bench/gen"
	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// TestBudgetOnHosts runs the plugin on generated trees of the hosts of
// issue 20 with a state of a minute ago holding every counter at zero,
// so that the second-run (rates) output is what is counted. Up to 5
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
		{"4 CPUs", 4, nil, 4 * 5},
		{"5 CPUs, the most that print whole", 5, nil, 25},
		{"6 CPUs", 6, nil, summaryMetrics},
		{"small director, 8 CPUs", 8, nil, summaryMetrics},
		{"20x8 director, 32 CPUs", 32, nil, summaryMetrics},
		{"2000x3 director, 64 CPUs", 64, nil, summaryMetrics},
		{"64 CPUs, -max-metrics 0", 64, []string{"-max-metrics", "0"}, 64 * 5},
		{"64 CPUs, -max-metrics 320", 64, []string{"-max-metrics", "320"}, 64 * 5},
		{"32 CPUs, -cpus 4", 32, []string{"-cpus", "4"}, 4 * 5},
		{"8 CPUs, -max-metrics 40", 8, []string{"-max-metrics", "40"}, 8 * 5},
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

// TestOscillatingRowsKeepTheirShape: a table whose rows cross the bound
// on every run (6 CPU rows, then 5, at the default 25) folds once, says
// so once, and prints the same keys on every run after.
func TestOscillatingRowsKeepTheirShape(t *testing.T) {
	bin := testbin.Build(t, pkg)
	six, five := t.TempDir(), t.TempDir()
	for root, cpus := range map[string]int{six: 6, five: 5} {
		if _, err := gen.Write(root, gen.Sizes{PerCPURows: cpus}); err != nil {
			t.Fatal(err)
		}
	}
	runs := testbin.Oscillate(t, bin, []string{five, six, five, six, five, six, five})
	for i, r := range runs[1:] {
		i++
		want := ""
		if i == 1 {
			want = "do not fit -max-metrics 25"
		}
		if (want == "") != (r.Stderr == "") || !strings.Contains(r.Stderr, want) {
			t.Errorf("run %d: stderr %q, want a notice only when it folds (run 1)", i, r.Stderr)
		}
		if i > 1 && !slices.Equal(r.Keys, runs[1].Keys) {
			t.Errorf("run %d printed %d keys, run 1 %d: the shape changed", i, len(r.Keys), len(runs[1].Keys))
		}
	}
	if len(runs[1].Keys) != summaryMetrics {
		t.Errorf("folded run printed %d keys, want the summary's %d", len(runs[1].Keys), summaryMetrics)
	}
}

// TestFoldEndsAfterAnHourWithRoom: a state that remembers the summary,
// with the rows fitting 80% of the bound since the given time, ends the
// fold only once that is an hour ago, and says so.
func TestFoldEndsAfterAnHourWithRoom(t *testing.T) {
	bin := testbin.Build(t, pkg)
	root := t.TempDir()
	if _, err := gen.Write(root, gen.Sizes{PerCPURows: 4}); err != nil { // 20 keys: 80% of 25
		t.Fatal(err)
	}
	now := time.Now().Unix()
	for _, tt := range []struct {
		name   string
		since  int64 // 0: did not fit with room on the last run
		keys   int
		notice string
	}{
		// The state holds no notice: the fold is told, as on a first run.
		{"fitted with room since the last run", 0, summaryMetrics, "do not fit -max-metrics 25"},
		{"fitted with room for 59 minutes", now - 59*60, summaryMetrics, "do not fit -max-metrics 25"},
		{"fitted with room for an hour", now - 3600, 4 * 5, "have fitted -max-metrics 25 with room for an hour: printing every CPU row again"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			state := filepath.Join(t.TempDir(), "s.json")
			zero := map[int][5]float64{0: {}, 1: {}, 2: {}, 3: {}}
			st := fmt.Sprintf(`{"_fold.cpus":%d,`, tt.since) + stateOf(now-60, zero)[1:]
			if err := os.WriteFile(state, []byte(st), 0o600); err != nil {
				t.Fatal(err)
			}
			res := testbin.Run(t, bin, nil, "-procfs-root", root, "-tempfile", state)
			if n := len(testbin.ValueMap(t, res.Stdout)); n != tt.keys {
				t.Errorf("%d keys, want %d", n, tt.keys)
			}
			if strings.Count(res.Stderr, "\n") != 1 || !strings.Contains(res.Stderr, tt.notice) {
				t.Errorf("stderr %q, want %q", res.Stderr, tt.notice)
			}
		})
	}
}
