package ipvs

import (
	"container/heap"
	"slices"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// detailCandidates keeps, once the table no longer fits, the real servers
// of only those services that can be given detail in writeFolded: the
// services kept last run (metricout.Keep's incumbents) and the busiest
// that could take one of at most places places now. So the detail needs
// no second read of the table, and memory grows with the places, not
// with the table.
type detailCandidates struct {
	w      *metricout.Writer
	places int
	svcs   *serviceList
	heap   []int // indices into svcs of the busiest others, lightest on top
	// free holds the real-server slices of released services, for reuse:
	// on a table of thousands of services most are taken and released
	// again, and fresh memory is dear (a page fault per 4 KiB).
	free [][]procnet.RealServer
}

// keep copies servers into a slice released before, or a new one.
func (d *detailCandidates) keep(servers []procnet.RealServer) []procnet.RealServer {
	if n := len(d.free); n > 0 {
		buf := d.free[n-1]
		d.free = d.free[:n-1]
		return append(buf[:0], servers...)
	}
	return slices.Clone(servers)
}

func newDetailCandidates(w *metricout.Writer, places int, svcs *serviceList) *detailCandidates {
	return &detailCandidates{w: w, places: places, svcs: svcs}
}

// offer reports whether service i is to keep its real servers, and
// releases those of a service it takes the place of (and i's own, if it
// has them and is not to keep them).
func (d *detailCandidates) offer(i int) bool {
	s := d.svcs.at(i)
	s.retained = true
	if metricout.WasKept(d.w, keptGroup, s.id) {
		return true
	}
	switch {
	case len(d.heap) < d.places:
		heap.Push(d, i)
	case d.places > 0 && lighter(d.svcs.at(d.heap[0]), s):
		d.release(d.svcs.at(d.heap[0]))
		d.heap[0] = i
		heap.Fix(d, 0)
	default:
		d.release(s)
	}
	return s.retained
}

// lighter is metricout.Keep's order, lightest first: fewer connections,
// then the later name.
func lighter(a, b *service) bool {
	wa, wb := a.activeConns+a.inactiveConns, b.activeConns+b.inactiveConns
	return wa < wb || wa == wb && a.id > b.id
}

func (d *detailCandidates) release(s *service) {
	if s.servers != nil {
		d.free = append(d.free, s.servers)
	}
	s.servers, s.serversTraffic, s.retained = nil, nil, false
}

func (d *detailCandidates) Len() int { return len(d.heap) }
func (d *detailCandidates) Less(a, b int) bool {
	return lighter(d.svcs.at(d.heap[a]), d.svcs.at(d.heap[b]))
}
func (d *detailCandidates) Swap(a, b int) { d.heap[a], d.heap[b] = d.heap[b], d.heap[a] }
func (d *detailCandidates) Push(x any)    { d.heap = append(d.heap, x.(int)) }
func (d *detailCandidates) Pop() any {
	x := d.heap[len(d.heap)-1]
	d.heap = d.heap[:len(d.heap)-1]
	return x
}
