package checkipvs

import (
	"net/netip"
	"slices"
	"time"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/internal/checkrun"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// evaluation builds a verdict while net/ip_vs streams by, one service at
// a time, so that a table of 100,000 real servers is never held whole.
// It also hashes the whole table, whatever the flags select, and, when
// next is set, collects the pool to remember.
//
// A read of the table is not a snapshot (procnet.IPVSTable.Confirm): with
// a whole memory, a service that misses a real server it had is held back
// (deferred) until a targeted read confirms the absence, and the services
// the memory or the flags name that the read missed are read again
// (toConfirm, confirmed) before anything is judged absent.
type evaluation struct {
	opts     options
	required []serviceSpec
	present  map[serviceSpec]bool
	critical []offender
	warning  []offender
	v        verdict

	mem       memory
	now       time.Time
	hash      poolHash
	next      *pool    // nil unless the memory is to be rewritten
	forgotten []string // what --forget or --forget-after let go
	seenRS    []bool   // scratch: which remembered members are in the table
	lasts     []uint32 // scratch: the last non-zero weight of each real server
	// deferred are the services of this read that miss a real server the
	// memory has, held until the absence is confirmed.
	deferred      map[serviceSpec]*procnet.Service
	deferredOrder []serviceSpec
	// gone are the services confirmed absent and still remembered, with
	// when they were last seen (close).
	gone []goneService
}

// goneService is a service no longer in the table.
type goneService struct {
	spec     serviceSpec
	lastSeen int64
}

func newEvaluation(opts options) *evaluation {
	return newEvaluationWith(opts, memory{}, time.Now(), nil)
}

// newEvaluationWith is an evaluation that counts the real servers mem
// remembers and, when next is not nil, collects the pool into next.
func newEvaluationWith(opts options, mem memory, now time.Time, next *pool) *evaluation {
	return &evaluation{opts: opts, required: requiredServices(opts), present: map[serviceSpec]bool{},
		mem: mem, now: now, hash: newPoolHash(), next: next}
}

// add observes one service of the read; svc may be reused once add
// returns. A service listed twice in one read (a service added earlier in
// the table while it was read) is kept once.
func (e *evaluation) add(svc *procnet.Service) error {
	spec := specOf(svc)
	if e.present[spec] {
		return nil
	}
	e.present[spec] = true
	e.hashService(svc)
	e.judge(svc, spec, e.mem.whole)
	return nil
}

func (e *evaluation) hashService(svc *procnet.Service) {
	e.hash.addService(svc)
	for i := range svc.RealServers {
		e.hash.addRealServer(&svc.RealServers[i])
	}
}

// judge matches svc with the memory and evaluates it; with hold, a
// service that misses a remembered real server is deferred instead.
func (e *evaluation) judge(svc *procnet.Service, spec serviceSpec, hold bool) {
	p, newlyRemoved := e.pool(svc, spec)
	if hold && newlyRemoved > 0 {
		if e.deferred == nil {
			e.deferred = map[serviceSpec]*procnet.Service{}
		}
		c := *svc
		c.RealServers = slices.Clone(svc.RealServers)
		e.deferred[spec] = &c
		e.deferredOrder = append(e.deferredOrder, spec)
		return
	}
	p.removed = e.keepRemoved(p.removed)
	for _, mb := range p.removed {
		p.weight += uint64(mb.LastWeight)
	}
	if e.next != nil {
		e.next.addService(spec)
		for i := range svc.RealServers {
			rs := &svc.RealServers[i]
			e.next.addPresent(spec, netip.AddrPortFrom(rs.Addr, rs.Port), rs.Weight, e.lasts[i])
		}
		e.next.addRemoved(spec, p.removed)
	}
	if len(e.opts.Services) > 0 && !slices.Contains(e.required, spec) {
		return
	}
	e.v.Services++
	e.v.RealServers += len(svc.RealServers) + len(p.removed)
	e.v.Quiescent += len(svc.RealServers) - p.available
	e.v.Removed += len(p.removed)
	evaluateService(svc, spec, p, e.opts, e.note)
}

// servicePool is one service's pool as the verdict sees it: the real
// servers in the table and those remembered after they left it.
type servicePool struct {
	available  int      // real servers in the table with weight > 0
	removed    []member // remembered, not in the table, not forgotten
	inRotation uint64   // sum of the weights > 0
	weight     uint64   // sum of every real server's weight, the last non-zero one for those out of rotation
}

// pool matches the table's real servers of svc with the remembered ones.
// It leaves in e.lasts the last non-zero weight of each real server, and
// counts the remembered real servers present at the last change and
// missing now (newlyRemoved). The weight of the removed ones is added by
// the caller once it knows which are kept.
func (e *evaluation) pool(svc *procnet.Service, spec serviceSpec) (servicePool, int) {
	var p servicePool
	mem := e.mem.services[spec]
	if len(mem) > 0 {
		e.seenRS = slices.Grow(e.seenRS[:0], len(mem))[:len(mem)]
		clear(e.seenRS)
	}
	e.lasts = slices.Grow(e.lasts[:0], len(svc.RealServers))[:len(svc.RealServers)]
	var index map[netip.AddrPort]int
	if len(mem) > 64 && len(svc.RealServers) > 64 { // else a linear search is cheaper
		index = make(map[netip.AddrPort]int, len(mem))
		for i, mb := range mem {
			index[mb.RealServer] = i
		}
	}
	for i := range svc.RealServers {
		rs := &svc.RealServers[i]
		w := rs.Weight
		last := w
		if len(mem) > 0 {
			ap := netip.AddrPortFrom(rs.Addr, rs.Port)
			if i := findMember(mem, index, ap); i >= 0 {
				e.seenRS[i] = true
				if w == 0 {
					last = mem[i].LastWeight
				}
			}
		}
		e.lasts[i] = last
		if w > 0 {
			p.available++
			p.inRotation += uint64(w)
		}
		p.weight += uint64(last)
	}
	newlyRemoved := 0
	for i, mb := range mem {
		if e.seenRS[i] {
			continue
		}
		if !mb.Removed {
			newlyRemoved++
		}
		p.removed = append(p.removed, mb)
	}
	return p, newlyRemoved
}

// keepRemoved turns the remembered members absent from the table into
// removed ones, and drops those forgotten: gone longer than
// --forget-after, or named by --forget.
func (e *evaluation) keepRemoved(mbs []member) []member {
	kept := mbs[:0]
	for _, mb := range mbs {
		if !mb.Removed {
			mb.Removed, mb.LastSeen = true, e.mem.seen.Unix()
		}
		if expired(mb, e.now, e.opts.ForgetAfter) {
			continue
		}
		if e.opts.forgets(mb.RealServer) {
			e.forgotten = append(e.forgotten, "real server "+mb.RealServer.String())
			continue
		}
		kept = append(kept, mb)
	}
	return kept
}

// toConfirm lists what this read missed and the memory or the flags
// expect: the services held back, and the services named or remembered
// as present that the read did not give.
func (e *evaluation) toConfirm() []procnet.IPVSServiceID {
	var ids []procnet.IPVSServiceID
	for _, spec := range e.deferredOrder {
		ids = append(ids, spec.id())
	}
	for _, spec := range e.required {
		if !e.present[spec] {
			ids = append(ids, spec.id())
		}
	}
	if e.mem.whole {
		for spec := range e.mem.services {
			if _, gone := e.mem.removedServices[spec]; !gone && !e.present[spec] && !slices.Contains(e.required, spec) {
				ids = append(ids, spec.id())
			}
		}
	}
	return ids
}

// confirmed takes a service found again by a targeted read. A service
// held back is judged with the real servers of both reads: only a real
// server absent from both is removed.
func (e *evaluation) confirmed(svc *procnet.Service, _ *procnet.IPVSCounters, _ []procnet.IPVSCounters) error {
	spec := specOf(svc)
	if held, ok := e.deferred[spec]; ok {
		delete(e.deferred, spec)
		had := make(map[netip.AddrPort]bool, len(held.RealServers))
		for _, rs := range held.RealServers {
			had[netip.AddrPortFrom(rs.Addr, rs.Port)] = true
		}
		for _, rs := range svc.RealServers {
			if !had[netip.AddrPortFrom(rs.Addr, rs.Port)] {
				held.RealServers = append(held.RealServers, rs)
			}
		}
		e.judge(held, spec, false)
		return nil
	}
	if e.present[spec] {
		return nil
	}
	e.present[spec] = true
	e.hashService(svc)
	e.judge(svc, spec, false)
	return nil
}

// close ends the observation: the services held back and not found again
// are judged as the read gave them, and the services remembered and
// absent, confirmed, become gone services; their real servers are carried
// into the next memory, unreported: the service may come back.
func (e *evaluation) close() {
	for _, spec := range e.deferredOrder {
		if held, ok := e.deferred[spec]; ok {
			e.judge(held, spec, false)
		}
	}
	e.deferred = nil
	lastSeen := func(spec serviceSpec) (int64, bool) {
		if t, ok := e.mem.removedServices[spec]; ok {
			return t, true
		}
		_, ok := e.mem.services[spec]
		return e.mem.seen.Unix(), ok && e.mem.whole
	}
	var specs []serviceSpec
	for spec := range e.mem.removedServices {
		specs = append(specs, spec)
	}
	if e.mem.whole {
		for spec := range e.mem.services {
			if _, ok := e.mem.removedServices[spec]; !ok {
				specs = append(specs, spec)
			}
		}
	}
	slices.SortFunc(specs, func(a, b serviceSpec) int { return compareKeys(a.key(), b.key()) })
	for _, spec := range specs {
		if e.present[spec] {
			continue
		}
		t, ok := lastSeen(spec)
		if !ok || serviceExpired(t, e.now, e.opts.ForgetAfter) {
			continue
		}
		if e.opts.forgetsService(spec) {
			e.forgotten = append(e.forgotten, "service "+spec.String())
			continue
		}
		e.gone = append(e.gone, goneService{spec: spec, lastSeen: t})
		if e.next != nil {
			e.next.removedServices = append(e.next.removedServices, stateService{Service: spec.key(), LastSeen: t})
			e.next.addRemoved(spec, e.keepRemoved(slices.Clone(e.mem.services[spec])))
		}
	}
}

func compareKeys(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func findMember(mem []member, index map[netip.AddrPort]int, ap netip.AddrPort) int {
	if index != nil {
		if i, ok := index[ap]; ok {
			return i
		}
		return -1
	}
	for i := range mem {
		if mem[i].RealServer == ap {
			return i
		}
	}
	return -1
}

// note keeps an offender, or only counts it once enough are kept.
func (e *evaluation) note(o offender) {
	if o.Problem == removed || o.Problem == serviceRemoved || o.Problem == tableEmptied {
		o.Now = e.now
	}
	e.v.Status = checkrun.Worst(e.v.Status, o.Status)
	list := &e.warning
	if o.Status == checkers.CRITICAL {
		list = &e.critical
	}
	if len(*list) >= keepOffenders {
		e.v.Omitted++
		return
	}
	*list = append(*list, o)
}

// result returns the verdict over the services observed: missing
// services first (nothing of them works), an emptied table, then the
// other criticals, then the warnings, each in table order; the services
// gone last. An emptied table, once it held services, is CRITICAL: a
// stopped keepalived removes every virtual server.
func (e *evaluation) result() verdict {
	var first []offender
	for _, spec := range e.required {
		if !e.present[spec] {
			first = append(first, offender{Status: checkers.CRITICAL, Problem: notPresent, Service: spec})
			e.v.Status = checkers.CRITICAL
		}
	}
	if len(e.present) == 0 && len(e.gone) > 0 {
		last := e.gone[0].lastSeen
		for _, g := range e.gone {
			last = max(last, g.lastSeen)
		}
		first = append(first, offender{Status: checkers.CRITICAL, Problem: tableEmptied, Total: len(e.gone), LastSeen: time.Unix(last, 0), Now: e.now})
		e.v.Status = checkers.CRITICAL
	}
	if len(e.opts.Services) == 0 {
		for _, g := range e.gone {
			if !slices.Contains(e.required, g.spec) {
				e.note(offender{Status: checkers.WARNING, Problem: serviceRemoved, Service: g.spec, LastSeen: time.Unix(g.lastSeen, 0)})
			}
		}
	}
	v := e.v
	v.Offenders = slices.Concat(first, e.critical, e.warning)
	return v
}
