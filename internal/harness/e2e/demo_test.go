//go:build e2e

package e2e

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// TestDemoPrintsRealOutputOfEveryBinary runs what `make demo` runs: in a
// real kernel with 4 CPUs, every binary prints real values; the traffic
// shows as rates on every CPU, and keepalived's weight 0 as check-ipvs's
// WARNING.
func TestDemoPrintsRealOutputOfEveryBinary(t *testing.T) {
	kernel.RequireBootable(t)
	demo := testbin.Build(t, "github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel/demo")
	res := testbin.RunCmd(t, exec.Command(demo)) // with this environment: it runs go build
	if res.ExitCode != 0 {
		t.Fatalf("demo: exit %d\n%s\n%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	sections := map[string]string{}
	for _, part := range strings.Split(res.Stdout, "\n== ")[1:] {
		name, body, _ := strings.Cut(part, "\n")
		sections[name] = body
	}
	for name, want := range map[string]string{
		"mackerel-plugin-proc-net-ip_vs": `(?m)^proc\.net\.ip_vs\.stats\.connections\.conns\t[1-9][0-9.]*\t\d+$`,
		// traffic from each of the 4 CPUs in turn: every CPU row counts some
		"mackerel-plugin-proc-net-ip_vs_stats_percpu": `(?m)^proc\.net\.ip_vs_stats_percpu\.0\.conns\.conn\t[1-9][0-9.]*\t\d+\n(?s:.*)^proc\.net\.ip_vs_stats_percpu\.1\.conns\.conn\t[1-9](?s:.*)^proc\.net\.ip_vs_stats_percpu\.2\.conns\.conn\t[1-9](?s:.*)^proc\.net\.ip_vs_stats_percpu\.3\.conns\.conn\t[1-9]`,
		"mackerel-plugin-proc-net-arp":                `(?m)^proc\.net\.arp\.size\t4\t\d+$`,
		"check-ipvs":                                  `^IPVS WARNING: TCP 10\.0\.0\.1:80 -> 127\.0\.0\.1:8082 weight 0\n\(exit 1\)`,
		"check-ipvs -s UDP:10.0.0.1:53":               `^IPVS OK: `,
		"check-arp-table":                             `^ARP-TABLE OK: 5 of 1024 entries`,
	} {
		if !regexp.MustCompile(want).MatchString(sections[name]) {
			t.Errorf("demo's %s section does not match %s:\n%s", name, want, sections[name])
		}
	}
}
