package e2e

import (
	"path/filepath"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// plugins builds the five binaries and returns their paths by name.
func plugins(t *testing.T) map[string]string {
	t.Helper()
	const mod = "github.com/procnet/mackerel-plugin-proc-net/"
	out := map[string]string{}
	for _, p := range []string{
		"metrics/mackerel-plugin-proc-net-ip_vs_stats_percpu",
		"metrics/mackerel-plugin-proc-net-arp",
		"metrics/mackerel-plugin-proc-net-ip_vs",
		"check-arp-table",
		"check-ipvs",
	} {
		out[filepath.Base(p)] = testbin.Build(t, mod+p)
	}
	return out
}
