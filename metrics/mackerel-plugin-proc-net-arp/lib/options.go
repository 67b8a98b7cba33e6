// Package arp is mackerel-plugin-proc-net-arp: this network namespace's
// neighbour entries by state and device (from an rtnetlink dump on the
// live /proc, else the rows of net/arp), and the global neighbour tables
// from net/stat and the gc_thresh sysctls.
package arp

import (
	"errors"
	"flag"
	"fmt"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

const name = "mackerel-plugin-proc-net-arp"

type options struct {
	metricout.Options
	// target is the 2019 plugin's path of the arp file; empty means
	// net/arp below the procfs root.
	target string
	// tableOnly skips this namespace's entries: reading net/arp costs
	// seconds of kernel time on a table of 100,000 entries.
	tableOnly bool
	// source is the -source flag as given; src is it parsed.
	source string
	src    procnet.NeighSource
}

func newFlagSet(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	o.Register(fs, "proc.net.arp")
	fs.StringVar(&o.target, "target", "", "path of the arp file to count instead of this namespace's entries (implies its rows come from the file)")
	fs.BoolVar(&o.tableOnly, "table-only", false, "never read this namespace's entries: report only the global table size, thresholds and GC counters")
	fs.StringVar(&o.source, "source", "auto", "auto: an rtnetlink dump (true NUD states, IPv6) when reading the live /proc, else files; netlink; procfs: files only (no neigh_* or ipv6_devices keys)")
	return fs
}

func (o *options) validate() error {
	src, err := procnet.ParseNeighSource(o.source)
	if err != nil {
		return fmt.Errorf("-source %q: want auto, netlink or procfs", o.source)
	}
	if src == procnet.SourceNetlink && o.target != "" {
		return errors.New("-target names a file: it cannot be read with -source netlink")
	}
	o.src = src
	return nil
}
