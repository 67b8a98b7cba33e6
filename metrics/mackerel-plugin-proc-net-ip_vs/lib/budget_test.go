package ipvs

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/devtools/bench/gen"
	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// TestBudgetOnHosts counts what the plugin prints on its second run
// (rates included) on generated directors of issue 20, and checks that
// the services printed and other add up to the whole table.
func TestBudgetOnHosts(t *testing.T) {
	bin := testbin.Build(t, pkg)
	tests := []struct {
		host        string
		services    int
		realServers int
		args        []string
		keys        int
		detail      int // services printed with their real servers
		other       bool
	}{
		// 5 global rates and 3 defense keys printed (the 2 VIP keys are
		// reserved but not printed: a tree has no interfaces); a service
		// as before: 2 + 3 per real server; summarised: 4.
		{"small director, 5x4, the largest that fits", 5, 4, nil, 8 + 5*(2+3*4), 5, false},
		// 6 summaries (24 keys) and 10 global leave 51, of which newcomers
		// take 80% (metricout.Fill): the real servers (12 keys each) of 3.
		{"6x4", 6, 4, nil, 8 + 6*4 + 3*12, 3, false},
		// 20 summaries and 10 global: 90 keys; (85 - 10 - 4 for other) / 4: 17 and other.
		{"20x8 director", 20, 8, nil, 8 + 17*4 + 4, 0, true},
		{"20x8, -max-metrics 0", 20, 8, []string{"-max-metrics", "0"}, 528, 20, false},
		// (85 - 10 - 4 for other) / 4: 17 services and other.
		{"2000x3 director", 2000, 3, nil, 8 + 17*4 + 4, 0, true},
		{"2000x3, -max-metrics 0", 2000, 3, []string{"-max-metrics", "0"}, 22008, 2000, false},
		{"2000x3, -max-metrics 21, the least", 2000, 3, []string{"-max-metrics", "21"}, 8 + 1*4 + 4, 0, true},
		{"2000x3, -max-metrics 300", 2000, 3, []string{"-max-metrics", "300"}, 8 + 71*4 + 4, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			root := t.TempDir()
			st, err := gen.Write(root, gen.Sizes{Services: tt.services, RealPerSvc: tt.realServers})
			if err != nil {
				t.Fatal(err)
			}
			args := append(tt.args, "-procfs-root", root, "-tempfile", filepath.Join(t.TempDir(), "s"))
			first := testbin.Run(t, bin, nil, args...)
			state := filepath.Join(t.TempDir(), "s.json")
			args = append(args, "-tempfile", state)
			vals := testbin.EveryValue(t, bin, state, args...)
			if len(vals) != tt.keys {
				t.Errorf("%d values, want %d", len(vals), tt.keys)
			}
			detail, other := map[string]bool{}, false
			var total, available, active, inactive float64
			for k, v := range vals {
				id, rest, _ := strings.Cut(strings.TrimPrefix(k, "proc.net.ip_vs."), ".")
				other = other || id == "other"
				switch rest {
				case "real_servers.total":
					total += v
				case "real_servers.available":
					available += v
				case "active_conns.all":
					active += v
				case "inactive_conns.all":
					inactive += v
				}
				if strings.HasPrefix(rest, "weight.") {
					detail[id] = true
				}
			}
			if len(detail) != tt.detail || other != tt.other {
				t.Errorf("%d services with real servers (want %d), other printed %v (want %v)", len(detail), tt.detail, other, tt.other)
			}
			if total != float64(st.RealServers) || available != float64(st.RealServers-st.Weight0) {
				t.Errorf("real servers: %v printed, %v available; the table has %d, %d with weight 0", total, available, st.RealServers, st.Weight0)
			}
			folded := tt.detail < tt.services
			if folded != (first.Stderr != "") || folded && !strings.HasSuffix(first.Stderr, "; -max-metrics 0 prints every real server\n") || strings.Count(first.Stderr, "\n") > 1 {
				t.Errorf("folded %v, first run's stderr %q", folded, first.Stderr)
			}
			if !folded {
				return
			}
			every := testbin.ValueMap(t, testbin.Run(t, bin, nil, "-max-metrics", "0", "-procfs-root", root, "-tempfile", filepath.Join(t.TempDir(), "s")).Stdout)
			var allActive, allInactive float64
			for k, v := range every {
				switch {
				case strings.Contains(k, ".active_conns."):
					allActive += v
				case strings.Contains(k, ".inactive_conns."):
					allInactive += v
				}
			}
			if active != allActive || inactive != allInactive || allActive == 0 {
				t.Errorf("connections: %v active, %v inactive printed; every real server: %v, %v", active, inactive, allActive, allInactive)
			}
		})
	}
}

// TestBusiestServicesAreSticky runs the plugin on a table of five
// services of which -max-metrics 26 keeps three and other, changing one
// service's connections between runs: the services kept change only when
// one left out has more than twice the connections of the least kept.
func TestBusiestServicesAreSticky(t *testing.T) {
	bin := testbin.Build(t, pkg)
	root := t.TempDir()
	state := filepath.Join(t.TempDir(), "s.json")
	write := func(conns [5]int) {
		var b strings.Builder
		b.WriteString("IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n")
		for i, c := range conns {
			fmt.Fprintf(&b, "TCP  0A00000%d:0050 wlc \n  -> 0A00010%d:0050      Route   1      0          %d        \n", i+1, i+1, c)
		}
		if err := os.MkdirAll(filepath.Join(root, "net"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "net", "ip_vs"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	kept := func() []string {
		res := testbin.Run(t, bin, nil, "-max-metrics", "26", "-procfs-root", root, "-tempfile", state)
		testbin.AgeState(t, state)
		var ids []string
		for k := range testbin.ValueMap(t, res.Stdout) {
			if id, ok := strings.CutSuffix(strings.TrimPrefix(k, "proc.net.ip_vs."), ".real_servers.total"); ok {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		return ids
	}
	for i, step := range []struct {
		conns [5]int
		want  []string
	}{
		{[5]int{100, 90, 80, 70, 10}, []string{"TCP_10_0_0_1_80", "TCP_10_0_0_2_80", "TCP_10_0_0_3_80", "other"}},
		{[5]int{100, 90, 80, 150, 10}, []string{"TCP_10_0_0_1_80", "TCP_10_0_0_2_80", "TCP_10_0_0_3_80", "other"}},
		{[5]int{100, 90, 80, 200, 10}, []string{"TCP_10_0_0_1_80", "TCP_10_0_0_2_80", "TCP_10_0_0_4_80", "other"}},
		{[5]int{100, 90, 80, 70, 10}, []string{"TCP_10_0_0_1_80", "TCP_10_0_0_2_80", "TCP_10_0_0_4_80", "other"}},
		{[5]int{100, 90, 80, 70, 10}, []string{"TCP_10_0_0_1_80", "TCP_10_0_0_2_80", "TCP_10_0_0_4_80", "other"}},
	} {
		write(step.conns)
		if got := kept(); !slices.Equal(got, step.want) {
			t.Errorf("run %d, connections %v: printed %v, want %v", i+1, step.conns, got, step.want)
		}
	}
}
