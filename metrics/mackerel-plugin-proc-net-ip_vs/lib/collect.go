package ipvs

import (
	"errors"
	"fmt"
	"io/fs"

	mp "github.com/mackerelio/go-mackerel-plugin-helper"
	"github.com/procnet/mackerel-plugin-proc-net/internal/ipvsnames"
	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

type plugin struct{ opts *options }

func (p plugin) Graphs() map[string]mp.Graphs { return graphs() }

func (p plugin) Validate() error { return p.opts.validate() }

// reservedKeys are the first parts of the keys printed beside the
// services': a service name may not take one.
var reservedKeys = []string{otherID, "stats", "sync_daemon", "defense", "vips"}

// Prepare reads -service-names.
func (p plugin) Prepare() error {
	if p.opts.serviceNames == "" {
		return nil
	}
	names, err := ipvsnames.Load(p.opts.serviceNames)
	if err != nil {
		return fmt.Errorf("-service-names: %w", err)
	}
	if err := names.Refuse(p.opts.serviceNames, reservedKeys...); err != nil {
		return fmt.Errorf("-service-names: %w", err)
	}
	p.opts.names = names
	return nil
}

// Collect writes the services and the global rates. It returns 0 (exit 1)
// when the services could not be read from a source named by -source
// netlink, whatever else was printed: what was asked for failed.
func (p plugin) Collect(w *metricout.Writer) int {
	fsys := p.opts.FS()
	p.opts.vips = vipSet{}
	read := 0
	servicesRead := false
	switch t := p.openTable(w, fsys); {
	case t == nil:
	case t.Netlink() != nil:
		defer t.Close()
		servicesRead = p.collectNetlink(w, t)
	default:
		servicesRead = p.collectServices(w, t, nil, nil)
	}
	if servicesRead {
		read++
		writeVIPs(w, fsys, p.opts.vips)
	}
	if writeDefense(w, fsys) {
		read++
	}
	if st, err := fsys.IPVSStats(); err != nil {
		w.Warnf("%s: skipping global IPVS rates: %v", name, err)
	} else {
		t := st.Totals
		w.Counter("stats.connections.conns", t.Conns)
		w.Counter("stats.packets.in", t.InPackets)
		w.Counter("stats.packets.out", t.OutPackets)
		w.Counter("stats.bytes.in", t.InBytes)
		w.Counter("stats.bytes.out", t.OutBytes)
		read++
	}
	if p.opts.Source == procnet.SourceNetlink && !servicesRead {
		return 0
	}
	return read
}

// collectServices writes the services of net/ip_vs; traffic, when not
// nil, gives a service's counters. A service the netlink dump missed (the
// dump is not a snapshot either) has its counters read with a targeted
// read.
// pc, when not nil, gives the persistence templates of the persistent
// services' real servers.
func (p plugin) collectServices(w *metricout.Writer, t *procnet.IPVSTable, traffic map[serviceKey]procnet.IPVSCounters, pc persistConns) bool {
	read := func(fn serviceFunc) error {
		return t.WalkFile(func(s *procnet.Service) error {
			var c *procnet.IPVSCounters
			if traffic != nil {
				if v, ok := traffic[keyOf(s)]; ok {
					c = &v
				} else if nl := t.Netlink(); nl != nil {
					if found, ok, err := nl.LookupService(s.ID()); err == nil && ok {
						traffic[keyOf(s)] = found.Stats
						c = &found.Stats
					}
				}
			}
			fn(s, c, nil)
			return nil
		})
	}
	walk := confirmingWalk(w, t, read)
	if traffic != nil {
		// A service confirmed from the file has its traffic from the dump.
		walk = withTraffic(walk, traffic)
	}
	return p.writeServices(w, walk, shape{traffic: traffic != nil, global: globalKeys(traffic != nil), persist: pc})
}

// withTraffic gives a service found without its counters those of the
// dump.
func withTraffic(walk serviceWalk, traffic map[serviceKey]procnet.IPVSCounters) serviceWalk {
	return func(fn serviceFunc) error {
		return walk(func(s *procnet.Service, c *procnet.IPVSCounters, rsTraffic []procnet.IPVSCounters) {
			if c == nil {
				if v, ok := traffic[keyOf(s)]; ok {
					c = &v
				}
			}
			fn(s, c, rsTraffic)
		})
	}
}

// ipvsHint explains the usual cause of a missing ip_vs file.
func ipvsHint(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w (is the ip_vs module loaded?)", err)
	}
	return err
}
