package e2e

import (
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// -metric-label-prefix puts its text before every graph title of the
// three metric plugins, so that a host section and a -netns section tell
// their graphs apart; without it the titles are today's.
func TestMetricLabelPrefixOnEveryGraphTitle(t *testing.T) {
	bins := plugins(t)
	for _, name := range []string{
		"mackerel-plugin-proc-net-ip_vs_stats_percpu",
		"mackerel-plugin-proc-net-arp",
		"mackerel-plugin-proc-net-ip_vs",
	} {
		t.Run(name, func(t *testing.T) {
			env := []string{"MACKEREL_AGENT_PLUGIN_META=1"}
			plain := testbin.Meta(t, testbin.Run(t, bins[name], env).Stdout)
			res := testbin.Run(t, bins[name], env, "-metric-label-prefix", "ingress_sbox")
			if res.ExitCode != 0 {
				t.Fatalf("exit %d stderr %q", res.ExitCode, res.Stderr)
			}
			labelled := testbin.Meta(t, res.Stdout)
			if len(plain) == 0 || len(labelled) != len(plain) {
				t.Fatalf("%d graphs labelled, %d plain", len(labelled), len(plain))
			}
			for k, g := range plain {
				if strings.HasPrefix(g.Label, "ingress_sbox") {
					t.Errorf("%s: default title %q already carries the prefix", k, g.Label)
				}
				if want := "ingress_sbox " + g.Label; labelled[k].Label != want {
					t.Errorf("%s: title %q, want %q", k, labelled[k].Label, want)
				}
				if len(labelled[k].Metrics) != len(g.Metrics) {
					t.Errorf("%s: metrics changed", k)
				}
			}
			bad := testbin.Run(t, bins[name], env, "-metric-label-prefix", "a\nb")
			if bad.ExitCode != 2 || !strings.Contains(bad.Stderr, "invalid -metric-label-prefix") {
				t.Errorf("control character: exit %d stderr %q", bad.ExitCode, bad.Stderr)
			}
		})
	}
}
