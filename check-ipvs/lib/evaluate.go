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

// verdict is the outcome of one evaluation.
type verdict struct {
	Status      checkers.Status
	Offenders   []offender // worst first, then in table order
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
	found    []offender
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
	e.found = append(e.found, evaluateService(svc, spec, available, e.opts)...)
	return nil
}

// result returns the verdict over the services added.
func (e *evaluation) result() verdict {
	v := e.v
	// Missing services come first among equals: nothing of them works.
	for _, spec := range e.required {
		if !e.present[spec] {
			v.Offenders = append(v.Offenders, offender{Status: checkers.CRITICAL, Problem: notPresent, Service: spec})
		}
	}
	v.Offenders = append(v.Offenders, e.found...)
	slices.SortStableFunc(v.Offenders, func(a, b offender) int { return int(b.Status) - int(a.Status) })
	for _, o := range v.Offenders {
		v.Status = max(v.Status, o.Status)
	}
	return v
}

// evaluate applies the options to the services of net/ip_vs.
func evaluate(services []procnet.Service, opts options) verdict {
	e := newEvaluation(opts)
	for i := range services {
		e.add(&services[i])
	}
	return e.result()
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

// evaluateService returns the offenders of one selected service.
func evaluateService(svc *procnet.Service, spec serviceSpec, available int, opts options) []offender {
	total := len(svc.RealServers)
	summary := offender{Problem: tooFewAvailable, Service: spec, Available: available, Total: total}
	switch {
	case below(available, total, opts.Critical):
		summary.Status = checkers.CRITICAL
		return []offender{summary}
	case !below(available, total, opts.Warning):
		return nil
	case available == total:
		// Below the warning count without any weight 0: too few servers.
		summary.Status = checkers.WARNING
		return []offender{summary}
	}
	var out []offender
	for _, rs := range svc.RealServers {
		if rs.Weight == 0 {
			out = append(out, offender{Status: checkers.WARNING, Problem: quiescent, Service: spec,
				RealServer: netip.AddrPortFrom(rs.Addr, rs.Port)})
		}
	}
	return out
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
