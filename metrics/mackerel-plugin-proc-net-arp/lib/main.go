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
	// detail prints every NUD state and gc_thresh1 and 2 as well.
	detail bool
	// globalTable prints the global table with -netns too.
	globalTable bool
}

// defaultMaxMetrics is the arp plugin's share of a director's 200 (see
// the README's Metric budget): its fixed keys (at most 23) and three
// dual-stack devices of four keys per family (24), what a host with two
// NICs and a bridge, or a bond with two VLANs, has.
const defaultMaxMetrics = 48

// minMaxMetrics is the most fixed keys and, per family of addresses, the
// largest device family and other.
func minMaxMetrics(detail bool) int { return fixedKeys(detail) + 4*countKeys }

func newFlagSet(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	o.Options.Register(fs, "proc.net.arp")
	o.SourceFlags.Register(fs, "path of the arp file to count instead of this namespace's entries (implies its rows come from the file)",
		"auto: an rtnetlink dump (true NUD states, IPv6) when reading the live /proc, else files; netlink; procfs: files only (no neigh_* or ipv6_devices keys)")
	o.Budget.Register(fs, defaultMaxMetrics, minMaxMetrics(false))
	fs.BoolVar(&o.tableOnly, "table-only", false, "never read this namespace's entries: report only the global table size, thresholds and GC counters")
	fs.BoolVar(&o.detail, "detail", false, "also each of the eight NUD states per family (not only four groups of them) and gc_thresh1 and gc_thresh2 (12 more metrics)")
	fs.BoolVar(&o.globalTable, "global-table", false, "with -netns, also the global table size, thresholds and GC counters, which the host's own section prints already")
	return fs
}
