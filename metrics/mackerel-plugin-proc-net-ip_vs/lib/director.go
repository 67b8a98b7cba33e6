package ipvs

import (
	"errors"
	"io/fs"
	"net/netip"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// directorKeys are the director-health keys printed whatever the
// services: one per defense strategy, vips.total and vips.local.
const directorKeys = len(procnet.IPVSDefenseStrategies) + 2

// writeDefense writes defense.<strategy>: 1 while the strategy is in
// force (2, set by the kernel short of memory, or 3, always on), else 0.
// Missing sysctls (the module not loaded, a kernel without
// CONFIG_SYSCTL, a procfs tree captured without them) print nothing and
// say nothing: the services' own message tells of a missing module.
func writeDefense(w *metricout.Writer, fsys procnet.FS) bool {
	d, err := fsys.IPVSDefense()
	if errors.Is(err, fs.ErrNotExist) {
		return false
	}
	if err != nil {
		w.Warnf("%s: skipping the defense strategies: %v", name, err)
		return false
	}
	for i, s := range procnet.IPVSDefenseStrategies {
		var v uint64
		if d.Modes[i].Dropping() {
			v = 1
		}
		w.Gauge("defense."+s, v)
	}
	return true
}

// vipSet gathers the distinct addresses of the services a walk gives
// (fwmark services have none).
type vipSet map[netip.Addr]struct{}

// observing returns walk, adding every service's address to the set.
func (v vipSet) observing(walk serviceWalk) serviceWalk {
	return func(fn serviceFunc) error {
		return walk(func(s *procnet.Service, c *procnet.IPVSCounters, rs []procnet.IPVSCounters) {
			if !s.IsFWM() && s.Addr.IsValid() {
				v[s.Addr.Unmap()] = struct{}{}
			}
			fn(s, c, rs)
		})
	}
}

// writeVIPs writes vips.total, the distinct service addresses, and
// vips.local, how many of them an interface of the namespace holds (one
// RTM_GETADDR dump): on a keepalived pair the MASTER holds them all and
// the BACKUP none, so their sum over the pair equals vips.total. A
// procfs root that is not the live /proc (a copy, a fixture tree) has no
// interfaces to ask: neither key is printed.
func writeVIPs(w *metricout.Writer, fsys procnet.FS, vips vipSet) {
	if !fsys.IsLive() {
		return
	}
	addrs, err := fsys.InterfaceAddrs()
	if err != nil {
		w.Warnf("%s: skipping the VIPs held: %v", name, err)
		return
	}
	w.Gauge("vips.total", uint64(len(vips)))
	w.Gauge("vips.local", uint64(localVIPs(vips, addrs)))
}

// localVIPs counts the addresses of vips that addrs hold.
func localVIPs(vips vipSet, addrs []procnet.InterfaceAddr) int {
	held := map[netip.Addr]bool{}
	for _, a := range addrs {
		if _, ok := vips[a.Addr.Unmap()]; ok {
			held[a.Addr.Unmap()] = true
		}
	}
	return len(held)
}
