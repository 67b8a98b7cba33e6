package ipvs

import (
	"slices"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// A read of the table is not a snapshot (procnet.IPVSTable.Confirm): a
// service deleted earlier in the table while it is read makes the reader
// skip another. Each run remembers the services it read; a service the
// previous run read and this read missed is read again with a targeted
// read before the run does without it, so that its graphs have no gap and
// other and the totals no dip.

// rememberedService prefixes the services remembered in the state.
const rememberedService = "service."

// confirmer reads services again (procnet.IPVSTable).
type confirmer interface {
	Confirm(ids []procnet.IPVSServiceID, fn func(*procnet.Service, *procnet.IPVSCounters, []procnet.IPVSCounters) error) (string, error)
}

// confirmingWalk reads the table with read, then the services the
// previous run read that read missed, with a targeted read (t.Confirm),
// and remembers every service read for the next run.
func confirmingWalk(w *metricout.Writer, t confirmer, read serviceWalk) serviceWalk {
	return func(fn serviceFunc) error {
		seen := map[procnet.IPVSServiceID]bool{}
		visit := func(s *procnet.Service, traffic *procnet.IPVSCounters, rsTraffic []procnet.IPVSCounters) {
			seen[s.ID()] = true
			fn(s, traffic, rsTraffic)
		}
		if err := read(visit); err != nil {
			return err
		}
		if missing := missedServices(w, seen); len(missing) > 0 {
			if _, err := t.Confirm(missing, func(s *procnet.Service, traffic *procnet.IPVSCounters, rsTraffic []procnet.IPVSCounters) error {
				visit(s, traffic, rsTraffic)
				return nil
			}); err != nil {
				return err
			}
		}
		for id := range seen {
			w.Remember(rememberedService+id.String(), 1)
		}
		return nil
	}
}

// missedServices lists, in order, the services the previous run read that
// are not in seen.
func missedServices(w *metricout.Writer, seen map[procnet.IPVSServiceID]bool) []procnet.IPVSServiceID {
	var out []procnet.IPVSServiceID
	for _, k := range w.Recalled(rememberedService) {
		id, err := procnet.ParseIPVSServiceID(k)
		if err == nil && !seen[id] {
			out = append(out, id)
		}
	}
	slices.SortFunc(out, func(a, b procnet.IPVSServiceID) int {
		as, bs := a.String(), b.String()
		switch {
		case as < bs:
			return -1
		case as > bs:
			return 1
		}
		return 0
	})
	return out
}
