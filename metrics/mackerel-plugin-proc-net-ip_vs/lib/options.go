// Package ipvs is mackerel-plugin-proc-net-ip_vs: net/ip_vs per service and
// real server, the rates of net/ip_vs_stats, and over IPVS generic netlink
// the traffic per service (and real server) and the sync daemons.
package ipvs

import (
	"errors"
	"flag"
	"fmt"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
)

const name = "mackerel-plugin-proc-net-ip_vs"

// The values of -source.
const (
	sourceAuto    = "auto"
	sourceNetlink = "netlink"
	sourceProcfs  = "procfs"
)

type options struct {
	metricout.Options
	// target is the 2019 plugin's path of the ip_vs file; empty means
	// net/ip_vs below the procfs root.
	target            string
	source            string
	realServerTraffic bool
}

func newFlagSet(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	o.Register(fs, "proc.net.ip_vs")
	fs.StringVar(&o.target, "target", "", "path of the ip_vs file (default: net/ip_vs below the procfs root)")
	fs.StringVar(&o.source, "source", sourceAuto, "auto: IPVS generic netlink (per-service traffic, sync daemons; needs root) when reading the live /proc, else files; netlink; procfs: files only")
	fs.BoolVar(&o.realServerTraffic, "real-server-traffic", false, "also the traffic of every real server (netlink; five series per real server, and a dump per service)")
	return fs
}

func (o *options) validate() error {
	switch o.source {
	case sourceAuto, sourceNetlink, sourceProcfs:
	default:
		return fmt.Errorf("-source %q: want auto, netlink or procfs", o.source)
	}
	if o.realServerTraffic && o.source == sourceProcfs {
		return errors.New("-real-server-traffic needs the netlink source, not -source procfs")
	}
	if o.source == sourceNetlink && o.target != "" {
		return errors.New("-target names a file: it cannot be read with -source netlink")
	}
	return nil
}
