// Package arp is mackerel-plugin-proc-net-arp: this network namespace's
// neighbour entries by state and device (from an rtnetlink dump on the
// live /proc, else the rows of net/arp), and the global neighbour tables
// from net/stat and the gc_thresh sysctls.
package arp

import (
	"flag"
	"io"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
)

const name = "mackerel-plugin-proc-net-arp"

// Main runs the plugin with args (without the program name) and returns
// the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	var o options
	return metricout.Main(newFlagSet(&o), &o.Options, plugin{&o}, args, stdout, stderr)
}

type options struct {
	metricout.Options
	metricout.SourceFlags
	metricout.Budget
	// tableOnly skips this namespace's entries: reading net/arp costs
	// seconds of kernel time on a table of 100,000 entries.
	tableOnly bool
}

// defaultMaxMetrics is the arp plugin's share of a Standard host's 200:
// its fixed keys (at most 35) and three device groups of four.
const defaultMaxMetrics = 50

// minMaxMetrics is the fixed keys and one other group per family.
const minMaxMetrics = 35 + 2*countKeys

func newFlagSet(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	o.Options.Register(fs, "proc.net.arp")
	o.SourceFlags.Register(fs, "path of the arp file to count instead of this namespace's entries (implies its rows come from the file)",
		"auto: an rtnetlink dump (true NUD states, IPv6) when reading the live /proc, else files; netlink; procfs: files only (no neigh_* or ipv6_devices keys)")
	o.Budget.Register(fs, defaultMaxMetrics, minMaxMetrics)
	fs.BoolVar(&o.tableOnly, "table-only", false, "never read this namespace's entries: report only the global table size, thresholds and GC counters")
	return fs
}
