package ipvs

import (
	"errors"
	"os"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// openNetlink connects to IPVS over generic netlink when the source says
// so: always with -source netlink, and with auto when reading the live
// /proc, whose namespace is the one netlink answers for. With auto a
// failure falls back to /proc with one stderr line naming the reason. It
// returns nil to read the files, and ok false when -source netlink could
// not be had, so that no service is read.
func (p plugin) openNetlink(w *metricout.Writer, fsys procnet.FS) (nl *procnet.IPVSNetlink, ok bool) {
	auto := p.opts.Source == procnet.SourceAuto
	if p.opts.Source.For(fsys) == procnet.SourceProcfs || auto && p.opts.Target != "" {
		return nil, true
	}
	nl, err := procnet.DialIPVSIn(fsys.NetNS())
	switch {
	case err == nil:
		return nl, true
	case errors.Is(err, procnet.ErrIPVSNotLoaded) && auto:
		// net/ip_vs is missing too; reading it says so.
		return nil, true
	case auto:
		w.Warnf("%s: reading %s only, without per-service traffic: %v", name, fsys.Path(procnet.IPVSFile), netlinkHint(err))
		return nil, true
	}
	w.Warnf("%s: skipping services and real servers: %v", name, netlinkHint(err))
	return nil, false
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
func (p plugin) collectNetlink(w *metricout.Writer, fsys procnet.FS, nl *procnet.IPVSNetlink) bool {
	svcs, err := nl.Services(p.opts.realServerTraffic)
	if err != nil {
		w.Warnf("%s: skipping services and real servers: %v", name, netlinkHint(err))
		return false
	}
	p.collectSyncDaemons(w, nl)
	if p.opts.realServerTraffic {
		walk := func(fn serviceFunc) error {
			for i := range svcs {
				fn(&svcs[i].Service, &svcs[i].Stats, svcs[i].RealServerStats)
			}
			return nil
		}
		return p.writeServices(w, walk, shape{traffic: true, realServerTraffic: true, global: globalKeys(true)})
	}
	traffic := make(map[string]procnet.IPVSCounters, len(svcs))
	var id []byte
	for i := range svcs {
		id = appendServiceID(id[:0], &svcs[i].Service)
		traffic[string(id)] = svcs[i].Stats
	}
	return p.collectServices(w, fsys, traffic)
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
