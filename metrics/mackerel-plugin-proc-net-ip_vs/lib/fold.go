package ipvs

import (
	"fmt"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// otherID is the services folded beyond the busiest: no service id (a
// protocol name first) can be it.
const otherID = "other"

// keptGroup is the name under which metricout.Keep remembers the services
// kept.
const keptGroup = "services"

// writeFolded writes a table that does not fit -max-metrics: a summary
// of every service when they all fit, else of the busiest (by current
// connections; sticky, see metricout.Keep) and of the rest summed as
// other, so that the services printed and other add up to the table; then,
// with what is left, the real servers of the busiest summarised services,
// kept from the same read of the table (see detailCandidates; a second
// walk only if one was not kept).
func (p plugin) writeFolded(w *metricout.Writer, walk serviceWalk, sh shape, svcs *serviceList) bool {
	limit := p.opts.Budget.Max
	per := sh.summaryKeys()
	places := svcs.len()
	foldServices, unfoldedServices := p.opts.Budget.Fold(w, "services", sh.global+places*per)
	if foldServices {
		places = max(0, (limit-sh.global-per)/per)
	}
	ranked := make([]metricout.Ranked, svcs.len())
	for i := range svcs.len() {
		s := svcs.at(i)
		ranked[i] = metricout.Ranked{Name: s.id, Weight: s.activeConns + s.inactiveConns, Cost: sh.realServerKeysOf([]byte(s.id)) * int(s.realServers)}
	}
	kept := metricout.Keep(w, keptGroup, ranked, places)
	left := limit - sh.global - len(kept)*per
	if len(kept) < svcs.len() {
		left -= per
	}
	var candidates []metricout.Ranked
	for _, r := range ranked {
		if kept[r.Name] {
			candidates = append(candidates, r)
		}
	}
	detail := metricout.Fill(w, "detail", candidates, left)

	msg := fmt.Sprintf("%s: the real servers do not fit -max-metrics %d: services summarised (real_servers, active_conns.all, inactive_conns.all", name, limit)
	if sh.traffic {
		msg += ", traffic"
	}
	msg += ")"
	if len(kept) < svcs.len() {
		msg += fmt.Sprintf(", the %d with the most connections kept and the rest summed as other", places)
	} else if unfoldedServices {
		msg += ", every service again (they have fitted with room for an hour)"
	}
	// No count of the services given detail: it moves with their sizes,
	// and the notice would repeat.
	metricout.Notice(w, msg+", the real servers of the busiest where room is left, "+metricout.HoldNote()+"; -max-metrics 0 prints every real server")

	var other service
	var otherRates [len(trafficParts)]float64
	var otherHonest, otherReset [len(trafficParts)]bool
	folded := false
	for i := range svcs.len() {
		s := svcs.at(i)
		if kept[s.id] {
			writeSummary(w, s.id, s)
			if s.hasTraffic {
				writeTraffic(w, s.id, &s.traffic)
			}
			continue
		}
		folded = true
		other.realServers += s.realServers
		other.available += s.available
		other.activeConns += s.activeConns
		other.inactiveConns += s.inactiveConns
		if s.hasTraffic {
			// The rate of other is the sum of its services' rates, each
			// from its own counter: a service moving into other brings its
			// rate, not its whole counter.
			for j, part := range trafficParts {
				key, v := s.id+part.key, part.of(&s.traffic)
				backwards := w.WentBackwards(key, v)
				if r, ok := w.Rate(key, v); ok {
					otherRates[j] += r
					otherHonest[j] = true
				} else if backwards {
					// Its rate is unknown this run: other without it
					// would dip, so other has no rate this run.
					otherReset[j] = true
				}
			}
		}
	}
	if folded {
		writeSummary(w, otherID, &other)
		for j, part := range trafficParts {
			if otherHonest[j] && !otherReset[j] {
				w.Float(otherID+part.key, otherRates[j])
			}
		}
	}
	if len(detail) == 0 {
		return true
	}
	if allRetained(svcs, detail) {
		var key []byte
		for i := range svcs.len() {
			s := svcs.at(i)
			if !detail[s.id] {
				continue
			}
			key = append(key[:0], s.id...)
			persist := sh.persist.of(key)
			for j := range s.servers {
				key = writeRealServer(w, key, len(s.id), &s.servers[j], s.serversTraffic, j, persist)
			}
		}
		return true
	}
	t := newTable(w, p.opts.names)
	t.quiet = true
	err := walk(func(s *procnet.Service, _ *procnet.IPVSCounters, rsTraffic []procnet.IPVSCounters) {
		if !t.read(s, rsTraffic) || !detail[string(t.key)] {
			return
		}
		svcLen := len(t.key)
		persist := sh.persist.of(t.key)
		for i := range t.servers {
			t.key = writeRealServer(w, t.key, svcLen, &t.servers[i], nilUnless(rsTraffic != nil, t.serversTraffic), i, persist)
		}
		t.key = t.key[:svcLen]
	})
	return p.walked(w, err)
}

// writeSummary writes the sums of a service's real servers.
func writeSummary(w *metricout.Writer, id string, s *service) {
	w.Gauge(id+".real_servers.total", s.realServers)
	w.Gauge(id+".real_servers.available", s.available)
	w.Gauge(id+".active_conns.all", s.activeConns)
	w.Gauge(id+".inactive_conns.all", s.inactiveConns)
}

// maxPlaces is the most services writeFolded can summarise within limit:
// at least its places, whichever way it counts them.
func maxPlaces(limit int, sh shape) int {
	return max(0, (limit-sh.global)/sh.summaryKeys())
}

// allRetained reports whether every service chosen for detail still has
// its real servers from the first walk.
func allRetained(svcs *serviceList, detail map[string]bool) bool {
	for i := range svcs.len() {
		if s := svcs.at(i); detail[s.id] && !s.retained {
			return false
		}
	}
	return true
}
