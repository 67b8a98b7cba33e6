// Package arp is mackerel-plugin-proc-net-arp: the rows of net/arp by
// state and device, and the global neighbour tables from net/stat and the
// gc_thresh sysctls.
package arp

import (
	"flag"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
)

const name = "mackerel-plugin-proc-net-arp"

type options struct {
	metricout.Options
	// target is the 2019 plugin's path of the arp file; empty means
	// net/arp below the procfs root.
	target string
	// tableOnly skips net/arp, whose read costs seconds of kernel time on
	// a table of 100,000 entries.
	tableOnly bool
}

func newFlagSet(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	o.Register(fs, "proc.net.arp")
	fs.StringVar(&o.target, "target", "", "path of the arp file (default: net/arp below the procfs root)")
	fs.BoolVar(&o.tableOnly, "table-only", false, "never read net/arp: report only the global table size, thresholds and GC counters (cheap on huge tables)")
	return fs
}
