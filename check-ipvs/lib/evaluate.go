package checkipvs

import (
	"net/netip"
	"slices"
	"time"

	"github.com/mackerelio/checkers"

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
	serviceRemoved                 // a service left the table
	tableEmptied                   // every service left the table
)

// offender is one thing to report, with the status it causes.
type offender struct {
	Status     checkers.Status
	Problem    problem
	Service    serviceSpec
	Name       string         // of Service in --service-names, if any
	RealServer netip.AddrPort // quiescent and removed only
	LastSeen   time.Time      // removed, serviceRemoved and tableEmptied only
	Now        time.Time      // likewise: when the run judged
	Available  int            // tooFewAvailable only
	Total      int            // tooFewAvailable only; tableEmptied: services gone
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
