// Package ipvsstatspercpu is mackerel-plugin-proc-net-ip_vs_stats_percpu:
// per-CPU rates from net/ip_vs_stats_percpu, with the 2019 plugin's keys.
package ipvsstatspercpu

import (
	"errors"
	"flag"
	"io"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
)

const name = "mackerel-plugin-proc-net-ip_vs_stats_percpu"

type options struct {
	metricout.Options
	metricout.Budget
	// cpus keeps only CPU ids below it; 0 keeps every row present.
	cpus int
}

func newFlagSet(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	o.Options.Register(fs, "proc.net.ip_vs_stats_percpu")
	o.Budget.Register(fs, defaultMaxMetrics, summaryMetrics)
	fs.IntVar(&o.cpus, "cpus", 0, "report only CPU ids below this number (default: every CPU row present)")
	return fs
}

// Main runs the plugin with args (without the program name) and returns
// the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	var o options
	return metricout.Main(newFlagSet(&o), &o.Options, plugin{&o}, args, stdout, stderr)
}

// defaultMaxMetrics is the per-CPU plugin's share of a director's 200
// (see the README's Metric budget): the summary, or every row of up to 5
// CPUs. A director has more, and what its rows are read for (one CPU
// doing the work) the summary shows.
const defaultMaxMetrics = 25

// Validate checks -cpus and -max-metrics.
func (p plugin) Validate() error {
	if p.opts.cpus < 0 {
		return errors.New("-cpus must not be negative")
	}
	return p.opts.Budget.Validate()
}
