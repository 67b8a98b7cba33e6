package checkipvs

import (
	"net/netip"
	"slices"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/internal/threshold"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// problem is what is wrong with an offender.
type problem int

const (
	notPresent      problem = iota // a required service is not in the table
	tooFewAvailable                // a service is below a threshold
	quiescent                      // one real server has weight 0
)

// offender is one thing to report, with the status it causes.
type offender struct {
	Status     checkers.Status
	Problem    problem
	Service    serviceSpec
	RealServer netip.AddrPort // quiescent only
	Available  int            // tooFewAvailable only
	Total      int            // tooFewAvailable only
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
	RealServers int        // real servers of the services checked
	Quiescent   int        // of those, with weight 0
}

// evaluation builds a verdict while net/ip_vs streams by, one service at
// a time, so that a table of 100,000 real servers is never held whole.
type evaluation struct {
	opts     options
	required []serviceSpec
	present  map[serviceSpec]bool
	critical []offender
	warning  []offender
	v        verdict
}

func newEvaluation(opts options) *evaluation {
	return &evaluation{opts: opts, required: requiredServices(opts), present: map[serviceSpec]bool{}}
}

// add evaluates one service; svc may be reused once add returns.
func (e *evaluation) add(svc *procnet.Service) error {
	spec := specOf(svc)
	e.present[spec] = true
	if len(e.opts.Services) > 0 && !slices.Contains(e.required, spec) {
		return nil
	}
	e.v.Services++
	e.v.RealServers += len(svc.RealServers)
	available := availableCount(svc)
	e.v.Quiescent += len(svc.RealServers) - available
	evaluateService(svc, spec, available, e.opts, e.note)
	return nil
}

// note keeps an offender, or only counts it once enough are kept.
func (e *evaluation) note(o offender) {
	e.v.Status = max(e.v.Status, o.Status)
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

// availableCount counts the real servers of svc with weight > 0.
func availableCount(svc *procnet.Service) int {
	n := 0
	for _, rs := range svc.RealServers {
		if rs.Weight > 0 {
			n++
		}
	}
	return n
}

// evaluateService hands the offenders of one selected service to note.
func evaluateService(svc *procnet.Service, spec serviceSpec, available int, opts options, note func(offender)) {
	total := len(svc.RealServers)
	summary := offender{Problem: tooFewAvailable, Service: spec, Available: available, Total: total}
	switch {
	case below(available, total, opts.Critical):
		summary.Status = checkers.CRITICAL
		note(summary)
		return
	case !below(available, total, opts.Warning):
		return
	case available == total:
		// Below the warning count without any weight 0: too few servers.
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
