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

// director writes a tree whose net/ip_vs has stable services of 4 real
// servers each and one more service (TCP 10.0.1.1:80) of flapping real
// servers, as keepalived leaves it when it removes a failed real server
// and adds it back.
func director(t *testing.T, stable, flapping int) string {
	t.Helper()
	root := t.TempDir()
	if _, err := gen.Write(root, gen.Sizes{Services: 1, RealPerSvc: 1}); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n")
	service := func(vip, real, n int) {
		fmt.Fprintf(&b, "TCP  0A00%04X:0050 wlc \n", vip)
		for r := range n {
			fmt.Fprintf(&b, "  -> 0A01%02X%02X:0050      Route   1      %d          %d\n", real, r, 10+r, 100+r)
		}
	}
	for i := range stable {
		service(i+1, i, 4)
	}
	service(0x0101, 0xff, flapping)
	if err := os.WriteFile(filepath.Join(root, "net", "ip_vs"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// TestOscillatingDirectorKeepsItsShape: a service whose real servers
// come and go moves the table across the bound (or the room left for
// detail) on every run; once folded, the stable services print the same
// keys on every run, and the fold is told once.
func TestOscillatingDirectorKeepsItsShape(t *testing.T) {
	bin := testbin.Build(t, pkg)
	tests := []struct {
		name           string
		stable, lo, hi int
		args           []string
		foldedFrom     int // the first run folded
	}{
		// 10x4 and one of 1 or 2: 155 or 158 keys (10 global reserved),
		// issue 27's director at its bound.
		{"10x4 + 1 of 1-2 real servers, -max-metrics 155", 10, 1, 2, []string{"-max-metrics", "155"}, 1},
		{"10x4 + 1 of 1-2 real servers, default", 10, 1, 2, nil, 0},
		// 5x4 and one of 1 or 2: 85 or 88 keys at the default 85.
		{"5x4 + 1 of 1-2 real servers, default", 5, 1, 2, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lo, hi := director(t, tt.stable, tt.lo), director(t, tt.stable, tt.hi)
			runs := testbin.Oscillate(t, bin, []string{lo, hi, lo, hi, lo, hi, lo}, tt.args...)
			stable := func(r testbin.Printed) []string {
				var keys []string
				for _, k := range r.Keys {
					if !strings.HasPrefix(k, "proc.net.ip_vs.TCP_10_0_1_1_80.") && !strings.HasPrefix(k, "proc.net.ip_vs.stats.") {
						keys = append(keys, k)
					}
				}
				return keys
			}
			want := stable(runs[tt.foldedFrom+1])
			for i, r := range runs {
				if (r.Stderr != "") != (i == tt.foldedFrom) {
					t.Errorf("run %d: stderr %q, want one notice, on run %d", i, r.Stderr, tt.foldedFrom)
				}
				if i > tt.foldedFrom && !slices.Equal(stable(r), want) {
					t.Errorf("run %d printed %d keys of the stable services, run %d %d", i, len(stable(r)), tt.foldedFrom+1, len(want))
				}
			}
			// Folded, yet the busiest stable services keep their real servers.
			if len(want) == 0 || !slices.ContainsFunc(want, func(k string) bool { return strings.Contains(k, ".weight.") }) {
				t.Errorf("no real server among the stable services' %d keys", len(want))
			}
		})
	}
}
