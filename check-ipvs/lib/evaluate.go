package checkipvs

import (
	"net/netip"
	"slices"
	"time"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/internal/checkrun"
	"github.com/procnet/mackerel-plugin-proc-net/internal/threshold"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// problem is what is wrong with an offender.
type problem int

const (
	notPresent      problem = iota // a required service is not in the table
	tooFewAvailable                // a service is below a count threshold
	lowCapacity                    // a service is below a capacity threshold
	quiescent                      // one real server has weight 0
	removed                        // one real server left the table
)

// offender is one thing to report, with the status it causes.
type offender struct {
	Status     checkers.Status
	Problem    problem
	Service    serviceSpec
	RealServer netip.AddrPort // quiescent and removed only
	LastSeen   time.Time      // removed only
	Now        time.Time      // removed only: when the run judged
	Available  int            // tooFewAvailable only
	Total      int            // tooFewAvailable only
	InRotation uint64         // lowCapacity only: weight in rotation
	Weight     uint64         // lowCapacity only: the whole weight
}

// keepOffenders bounds the offenders kept of each status: far more than
// fit on the agent's 1024-rune line; the rest are only counted.
const keepOffenders = 512

// verdict is the outcome of one evaluation.
type verdict struct {
	Status      checkers.Status
	Offenders   []offender // worst first, then in table order
	Omitted     int        // further offenders, counted but not kept
	Services    int        // services checked
	RealServers int        // real servers of the services checked, removed ones included
	Quiescent   int        // of those, with weight 0
	Removed     int        // of those, removed from the table
}

// evaluation builds a verdict while net/ip_vs streams by, one service at
// a time, so that a table of 100,000 real servers is never held whole.
// It also hashes the whole table, whatever the flags select, and, when
// next is set, collects the pool to remember.
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
	next      *pool // nil unless the memory is to be rewritten
	forgotten []netip.AddrPort
	seenRS    []bool // scratch: which remembered members are in the table
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

// add evaluates one service; svc may be reused once add returns.
func (e *evaluation) add(svc *procnet.Service) error {
	spec := specOf(svc)
	n := len(e.present)
	e.present[spec] = true
	again := len(e.present) == n // the kernel lists a service once; a damaged file may not
	e.hash.addService(svc)
	p := e.pool(svc, spec, again)
	if len(e.opts.Services) > 0 && !slices.Contains(e.required, spec) {
		return nil
	}
	e.v.Services++
	e.v.RealServers += len(svc.RealServers) + len(p.removed)
	e.v.Quiescent += len(svc.RealServers) - p.available
	e.v.Removed += len(p.removed)
	evaluateService(svc, spec, p, e.opts, e.note)
	return nil
}

// servicePool is one service's pool as the verdict sees it: the real
// servers in the table and those remembered after they left it.
type servicePool struct {
	available  int      // real servers in the table with weight > 0
	removed    []member // remembered, not in the table, not forgotten
	inRotation uint64   // sum of the weights > 0
	weight     uint64   // sum of every real server's weight, the last non-zero one for those out of rotation
}

// pool matches the table's real servers of svc with the remembered ones
// and hands the result to e.next when the memory is being rewritten.
func (e *evaluation) pool(svc *procnet.Service, spec serviceSpec, again bool) servicePool {
	var p servicePool
	var mem []member
	if !again && len(e.mem.services) > 0 {
		mem = e.mem.services[spec]
	}
	if len(mem) > 0 {
		e.seenRS = slices.Grow(e.seenRS[:0], len(mem))[:len(mem)]
		clear(e.seenRS)
	}
	var index map[netip.AddrPort]int
	if len(mem) > 64 && len(svc.RealServers) > 64 { // else a linear search is cheaper
		index = make(map[netip.AddrPort]int, len(mem))
		for i, mb := range mem {
			index[mb.RealServer] = i
		}
	}
	for i := range svc.RealServers {
		rs := &svc.RealServers[i]
		e.hash.addRealServer(rs)
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
		if w > 0 {
			p.available++
			p.inRotation += uint64(w)
		}
		p.weight += uint64(last)
		if e.next != nil && !again {
			e.next.addPresent(spec, netip.AddrPortFrom(rs.Addr, rs.Port), w, last)
		}
	}
	for i, mb := range mem {
		if e.seenRS[i] {
			continue
		}
		if mb, ok := e.stillRemembered(mb); ok {
			p.removed = append(p.removed, mb)
			p.weight += uint64(mb.LastWeight)
		}
	}
	if e.next != nil && !again {
		e.next.addRemoved(spec, p.removed)
	}
	return p
}

// stillRemembered turns a remembered member absent from the table into a
// removed one, and reports false when it is forgotten: gone longer than
// --forget-after, or named by --forget.
func (e *evaluation) stillRemembered(mb member) (member, bool) {
	if !mb.Removed {
		mb.Removed, mb.LastSeen = true, e.mem.seen.Unix()
	}
	if expired(mb, e.now, e.opts.ForgetAfter) {
		return mb, false
	}
	if e.opts.forgets(mb.RealServer) {
		e.forgotten = append(e.forgotten, mb.RealServer)
		return mb, false
	}
	return mb, true
}

// finish carries the remembered real servers of services no longer in
// the table into the next memory, unreported: the service may come back.
func (e *evaluation) finish() {
	if e.next == nil {
		return
	}
	for spec, mem := range e.mem.services {
		if e.present[spec] {
			continue
		}
		var kept []member
		for _, mb := range mem {
			if mb, ok := e.stillRemembered(mb); ok {
				kept = append(kept, mb)
			}
		}
		e.next.addRemoved(spec, kept)
	}
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
	if o.Problem == removed {
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

// result returns the verdict over the services added: missing services
// first (nothing of them works), then the other criticals, then the
// warnings, each in table order.
func (e *evaluation) result() verdict {
	v := e.v
	for _, spec := range e.required {
		if !e.present[spec] {
			v.Offenders = append(v.Offenders, offender{Status: checkers.CRITICAL, Problem: notPresent, Service: spec})
			v.Status = checkers.CRITICAL
		}
	}
	v.Offenders = slices.Concat(v.Offenders, e.critical, e.warning)
	return v
}

// evaluateService hands the offenders of one selected service to note:
// by the weighted capacity when asked, then by the count of real servers
// available, where a removed real server counts as one with weight 0.
func evaluateService(svc *procnet.Service, spec serviceSpec, p servicePool, opts options, note func(offender)) {
	if st := capacityStatus(p, opts); st != checkers.OK {
		note(offender{Status: st, Problem: lowCapacity, Service: spec, InRotation: p.inRotation, Weight: p.weight})
	}
	available, total := p.available, len(svc.RealServers)+len(p.removed)
	summary := offender{Problem: tooFewAvailable, Service: spec, Available: available, Total: total}
	switch {
	case below(available, total, opts.Critical):
		summary.Status = checkers.CRITICAL
		note(summary)
		return
	case !below(available, total, opts.Warning):
		return
	case available == total:
		// Below the warning count with every real server in rotation: too few servers.
		summary.Status = checkers.WARNING
		note(summary)
		return
	}
	for _, rs := range svc.RealServers {
		if rs.Weight == 0 {
			note(offender{Status: checkers.WARNING, Problem: quiescent, Service: spec,
				RealServer: netip.AddrPortFrom(rs.Addr, rs.Port)})
		}
	}
	for _, mb := range p.removed {
		note(offender{Status: checkers.WARNING, Problem: removed, Service: spec, RealServer: mb.RealServer, LastSeen: time.Unix(mb.LastSeen, 0)})
	}
}

// capacityStatus judges the share of the service's weight in rotation
// against --critical-capacity and --warning-capacity (percentages; 0 is
// off). A service whose real servers never had a weight has no capacity
// to judge: the count thresholds speak for it.
func capacityStatus(p servicePool, opts options) checkers.Status {
	if p.weight == 0 || (opts.CriticalCapacity == 0 && opts.WarningCapacity == 0) {
		return checkers.OK
	}
	share := 100 * float64(p.inRotation) / float64(p.weight)
	switch {
	case share < opts.CriticalCapacity:
		return checkers.CRITICAL
	case share < opts.WarningCapacity:
		return checkers.WARNING
	}
	return checkers.OK
}

// below reports whether available real servers out of total fall short of
// t. No available server falls short of any non-zero threshold, even a
// percentage of a service with no real servers at all.
func below(available, total int, t threshold.Threshold) bool {
	if available == 0 && t.Value > 0 {
		return true
	}
	return float64(available) < t.Of(float64(total))
}

// requiredServices lists, without repeats, the services that must be
// present: those named by --service and --expect.
func requiredServices(opts options) []serviceSpec {
	var out []serviceSpec
	for _, spec := range slices.Concat(opts.Services, opts.Expect) {
		if !slices.Contains(out, spec) {
			out = append(out, spec)
		}
	}
	return out
}
