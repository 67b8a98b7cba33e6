// Package ipvs is mackerel-plugin-proc-net-ip_vs: net/ip_vs per service and
// real server, the rates of net/ip_vs_stats, and over IPVS generic netlink
// the traffic per service (and real server) and the sync daemons.
package ipvs

import (
	"errors"
	"flag"
	"io"

	"github.com/procnet/mackerel-plugin-proc-net/internal/ipvsnames"
	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

const name = "mackerel-plugin-proc-net-ip_vs"

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
	realServerTraffic bool
	persistentConns   bool
	// serviceNames is -service-names, names the file read into names.
	serviceNames string
	names        *ipvsnames.Names
	// vips gathers the service addresses of the run's walk.
	vips vipSet
}

// defaultMaxMetrics is the ip_vs plugin's share of a director's 200 (see
// the README's Metric budget), what the arp (48) and per-CPU (25) plugins,
// two checks and the agent's own 40 leave: every real server of a small
// director, every service of one of 20 services summarised from files.
const defaultMaxMetrics = 85

// minMaxMetrics is the keys printed whatever the table (rates, sync
// daemons) and other, with its traffic.
const minMaxMetrics = 5 + 2 + directorKeys + 4 + 5

func newFlagSet(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	o.Options.Register(fs, "proc.net.ip_vs")
	o.SourceFlags.Register(fs, "path of the ip_vs file (default: net/ip_vs below the procfs root)",
		"auto: IPVS generic netlink (per-service traffic, sync daemons; needs root) when reading the live /proc, else files; netlink; procfs: files only")
	o.Budget.Register(fs, defaultMaxMetrics, minMaxMetrics)
	fs.BoolVar(&o.persistentConns, "persistent-conns", false, "also the persistence templates (sticky clients) of every real server of the persistent services, as ipvsadm -Ln --persistent-conn shows them (netlink; one series per such real server, and a dump per persistent service)")
	fs.StringVar(&o.serviceNames, "service-names", "", "name services in keys by this `FILE`: lines of NAME PROTO:ADDR:PORT, FWM:MARK or FWM6:MARK (IPv6 in brackets), # comments; a service not in it keeps its address keys (default: none)")
	fs.BoolVar(&o.realServerTraffic, "real-server-traffic", false, "also the traffic of every real server (netlink; five series per real server, and a dump per service)")
	return fs
}

func (o *options) validate() error {
	if err := o.SourceFlags.Validate(&o.Options); err != nil {
		return err
	}
	if err := o.Budget.Validate(); err != nil {
		return err
	}
	if o.realServerTraffic && o.Source == procnet.SourceProcfs {
		return errors.New("-real-server-traffic needs the netlink source, not -source procfs")
	}
	if o.persistentConns && o.Source == procnet.SourceProcfs {
		return errors.New("-persistent-conns needs the netlink source, not -source procfs")
	}
	return nil
}
