package arp

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/devtools/bench/gen"
	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// runTwice runs bin twice on one state, the second time a minute later,
// and returns both results: the second prints the rates too.
func runTwice(t *testing.T, bin string, args ...string) (first, second testbin.Result) {
	t.Helper()
	state := filepath.Join(t.TempDir(), "s.json")
	args = append(args, "-tempfile", state)
	first = testbin.Run(t, bin, nil, args...)
	testbin.AgeState(t, state)
	second = testbin.Run(t, bin, nil, args...)
	if first.ExitCode != 0 || second.ExitCode != 0 {
		t.Fatalf("exit %d, %d; stderr %q, %q", first.ExitCode, second.ExitCode, first.Stderr, second.Stderr)
	}
	return first, second
}

// TestBudgetOnHosts counts what the plugin prints on its second run on
// generated trees, by default and with the flag that shows everything,
// and checks that the folded groups add up to every device's rows.
func TestBudgetOnHosts(t *testing.T) {
	bin := testbin.Build(t, pkg)
	tests := []struct {
		host       string
		sz         gen.Sizes
		args       []string
		keys       int // on the second run
		deviceKeys int
		folded     bool
	}{
		// 15 fixed keys from files (size, states, both tables: entries,
		// gc_thresh3 and three rates) and 4 per group. 300 rows on 300
		// devices: the last 3 are proxy rows, two on no device (*) and one
		// on eth0, so 298 devices have rows, in 17 name families: 7 largest
		// and other fit 48.
		{"300 interfaces, one neighbour each", gen.Sizes{ARPRows: 300, ARPDevices: 300, GCThresh3: 1024}, nil, 15 + 8*4, 8 * 4, true},
		{"300 interfaces, -max-metrics 0", gen.Sizes{ARPRows: 300, ARPDevices: 300, GCThresh3: 1024}, []string{"-max-metrics", "0"}, 15 + 298*4, 298 * 4, false},
		{"300 interfaces, -max-metrics 100: every family", gen.Sizes{ARPRows: 300, ARPDevices: 300, GCThresh3: 1024}, []string{"-max-metrics", "100"}, 15 + 17*4, 17 * 4, true},
		{"300 interfaces, -max-metrics 39, the least", gen.Sizes{ARPRows: 300, ARPDevices: 300, GCThresh3: 1024}, []string{"-max-metrics", "39"}, 15 + 6*4, 6 * 4, true},
		// eth0-3, bond0, bond0.100, vlan2001, veth7 and *: 9 devices, 5 families.
		{"9 devices, 3,000 rows", gen.Sizes{ARPRows: 3000, GCThresh3: 1024}, nil, 15 + 5*4, 5 * 4, true},
		{"9 devices, -max-metrics 51", gen.Sizes{ARPRows: 3000, GCThresh3: 1024}, []string{"-max-metrics", "51"}, 15 + 9*4, 9 * 4, false},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			root := t.TempDir()
			if _, err := gen.Write(root, tt.sz); err != nil {
				t.Fatal(err)
			}
			first, second := runTwice(t, bin, append(tt.args, "-procfs-root", root)...)
			vals := testbin.ValueMap(t, second.Stdout)
			if len(vals) != tt.keys || len(deviceKeys(vals)) != tt.deviceKeys {
				t.Errorf("%d values (%d of devices), want %d (%d):\n%s", len(vals), len(deviceKeys(vals)), tt.keys, tt.deviceKeys, second.Stdout)
			}
			if !tt.folded {
				if first.Stderr != "" || second.Stderr != "" {
					t.Errorf("nothing folded, yet stderr %q, %q", first.Stderr, second.Stderr)
				}
				return
			}
			if !strings.Contains(first.Stderr, "-max-metrics 0 prints every device") || strings.Count(first.Stderr, "\n") != 1 || second.Stderr != "" {
				t.Errorf("want one notice on the first run only: %q, then %q", first.Stderr, second.Stderr)
			}
			for k := range testbin.ValueMap(t, first.Stdout) {
				if _, ok := vals[k]; !ok {
					t.Errorf("%s printed on the first run, not on the second", k)
				}
			}
			_, every := runTwice(t, bin, "-max-metrics", "0", "-procfs-root", root)
			all := testbin.ValueMap(t, every.Stdout)
			for _, st := range []string{"complete", "incomplete", "permanent", "proxy"} {
				folded, whole := sumOf(vals, st), sumOf(all, st)
				if folded != whole || whole != vals["proc.net.arp.states."+st] || whole == 0 && st == "complete" {
					t.Errorf("%s: groups printed sum to %v, every device to %v, states.%s %v", st, folded, whole, st, vals["proc.net.arp.states."+st])
				}
			}
		})
	}
}

func deviceKeys(vals map[string]float64) []string {
	var keys []string
	for _, k := range slices.Sorted(maps.Keys(vals)) {
		if strings.HasPrefix(k, "proc.net.arp.devices.") || strings.HasPrefix(k, "proc.net.arp.ipv6_devices.") {
			keys = append(keys, k)
		}
	}
	return keys
}

func sumOf(vals map[string]float64, state string) float64 {
	var n float64
	for _, k := range deviceKeys(vals) {
		if strings.HasPrefix(k, "proc.net.arp.devices.") && strings.HasSuffix(k, "."+state) {
			n += vals[k]
		}
	}
	return n
}
