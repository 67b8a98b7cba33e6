// Package ipvs is mackerel-plugin-proc-net-ip_vs: net/ip_vs per service and
// real server, and the rates of net/ip_vs_stats.
package ipvs

import (
	"flag"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
)

const name = "mackerel-plugin-proc-net-ip_vs"

type options struct {
	metricout.Options
	// target is the 2019 plugin's path of the ip_vs file; empty means
	// net/ip_vs below the procfs root.
	target string
}

func newFlagSet(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	o.Register(fs, "proc.net.ip_vs")
	fs.StringVar(&o.target, "target", "", "path of the ip_vs file (default: net/ip_vs below the procfs root)")
	return fs
}
