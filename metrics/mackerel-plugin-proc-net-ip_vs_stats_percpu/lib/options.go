// Package ipvsstatspercpu is mackerel-plugin-proc-net-ip_vs_stats_percpu:
// per-CPU rates from net/ip_vs_stats_percpu, with the 2019 plugin's keys.
package ipvsstatspercpu

import (
	"flag"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
)

const name = "mackerel-plugin-proc-net-ip_vs_stats_percpu"

type options struct {
	metricout.Options
	// cpus keeps only CPU ids below it; 0 keeps every row present.
	cpus int
}

func newFlagSet(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	o.Register(fs, "proc.net.ip_vs_stats_percpu")
	fs.IntVar(&o.cpus, "cpus", 0, "report only CPU ids below this number (default: every CPU row present)")
	return fs
}
