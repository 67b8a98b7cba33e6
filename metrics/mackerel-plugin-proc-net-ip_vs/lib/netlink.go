package ipvs

import (
	"errors"
	"os"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// openTable asks procnet for the IPVS table from the source it decides
// (procnet.Decide): netlink on the live /proc, else the files. When auto
// falls back to the files it says why on stderr in one line, except when
// the module is not loaded (net/ip_vs is missing too; reading it says
// so). It returns nil when -source netlink could not be had, so that no
// service is read.
func (p plugin) openTable(w *metricout.Writer, fsys procnet.FS) *procnet.IPVSTable {
	t, err := procnet.OpenIPVS(fsys, p.opts.Source, p.opts.Target)
	if err != nil {
		w.Warnf("%s: skipping services and real servers: %v", name, netlinkHint(err))
		return nil
	}
	if err := t.Decision.FellBack; err != nil && !errors.Is(err, procnet.ErrIPVSNotLoaded) {
		w.Warnf("%s: reading %s only, without per-service traffic: %v", name, t.Path(), netlinkHint(err))
	}
	return t
}

func netlinkHint(err error) error {
	if errors.Is(err, os.ErrPermission) {
		return errors.New(err.Error() + ": run as root (CAP_NET_ADMIN) for per-service traffic")
	}
	return err
}

// collectNetlink writes the services with their traffic and the sync
// daemons' state. By default one service dump gives the traffic and
// net/ip_vs the real servers, which is far cheaper on a large table than
// a dump of every service's real servers; -real-server-traffic pays for
// that dump and takes the real servers from it.
func (p plugin) collectNetlink(w *metricout.Writer, t *procnet.IPVSTable) bool {
	nl := t.Netlink()
	if p.opts.realServerTraffic {
		svcs, err := nl.Services(true)
		if err != nil {
			w.Warnf("%s: skipping services and real servers: %v", name, netlinkHint(err))
			return false
		}
		p.collectSyncDaemons(w, nl)
		var pc persistConns
		if p.opts.persistentConns {
			pc = persistConns{}
		}
		for i := range svcs {
			if pc != nil && svcs[i].Persistent {
				pc.add(&svcs[i], p.opts.names)
			}
		}
		walk := confirmingWalk(w, t, func(fn serviceFunc) error {
			for i := range svcs {
				fn(&svcs[i].Service, &svcs[i].Stats, svcs[i].RealServerStats)
			}
			return nil
		})
		return p.writeServices(w, walk, shape{traffic: true, realServerTraffic: true, global: globalKeys(true), persist: pc})
	}
	// The traffic is kept by service, as the dump streams by, to be joined
	// with the real servers of net/ip_vs.
	traffic := map[serviceKey]procnet.IPVSCounters{}
	// The persistent services are few: their real servers' persistence
	// templates come from one targeted dump each.
	var persistent []procnet.NetlinkService
	err := nl.WalkServices(func(s *procnet.NetlinkService) error {
		traffic[keyOf(&s.Service)] = s.Stats
		if p.opts.persistentConns && s.Persistent {
			c := *s
			c.RealServers, c.RealServerStats, c.RealServerPersistConns = nil, nil, nil
			persistent = append(persistent, c)
		}
		return nil
	})
	if err != nil {
		w.Warnf("%s: skipping services and real servers: %v", name, netlinkHint(err))
		return false
	}
	var pc persistConns
	if p.opts.persistentConns {
		if pc, err = persistentServices(nl, persistent, p.opts.names); err != nil {
			w.Warnf("%s: skipping persistent connections: %v", name, netlinkHint(err))
			pc = nil
		}
	}
	p.collectSyncDaemons(w, nl)
	return p.collectServices(w, t, traffic, pc)
}

func (p plugin) collectSyncDaemons(w *metricout.Writer, nl *procnet.IPVSNetlink) {
	ds, err := nl.SyncDaemons()
	if err != nil {
		w.Warnf("%s: skipping the sync daemons: %v", name, err)
		return
	}
	var master, backup uint64
	for _, d := range ds {
		switch d.State {
		case "master":
			master = 1
		case "backup":
			backup = 1
		}
	}
	w.Gauge("sync_daemon.master", master)
	w.Gauge("sync_daemon.backup", backup)
}
