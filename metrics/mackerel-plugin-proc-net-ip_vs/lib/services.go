package ipvs

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/procnet/mackerel-plugin-proc-net/internal/ipvsnames"
	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// serviceFunc receives one service: its traffic when netlink gave it,
// and its real servers' traffic (in the order of s.RealServers) with
// -real-server-traffic. s and its slices are only valid during the call.
type serviceFunc func(s *procnet.Service, traffic *procnet.IPVSCounters, rsTraffic []procnet.IPVSCounters)

// serviceWalk calls fn for every service of the table, in its order.
// writeServices reads the table once; writeFolded walks it a second time
// only if a service chosen for detail is not among the candidates whose
// real servers the first walk kept (see detailCandidates).
type serviceWalk func(fn serviceFunc) error

// shape is what a service costs in keys.
type shape struct {
	traffic           bool // five traffic rates per service (netlink)
	realServerTraffic bool // five more per real server
	global            int  // keys besides the services': rates, sync daemons
	// persist: one more key per real server of a persistent service
	// (netlink), persistent_conns
	persist persistConns
}

// globalKeys are the keys printed whatever the services: the five rates
// of net/ip_vs_stats, the director's health (directorKeys) and, over
// netlink, the two sync daemons.
func globalKeys(netlink bool) int {
	if netlink {
		return 5 + directorKeys + 2
	}
	return 5 + directorKeys
}

func (sh shape) trafficKeys() int {
	if sh.traffic {
		return 5
	}
	return 0
}

// realServerKeys is what one real server's detail costs: weight, active
// and inactive connections, and the traffic with -real-server-traffic.
func (sh shape) realServerKeys() int {
	if sh.realServerTraffic {
		return 8
	}
	return 3
}

// summaryKeys is what a summarised service costs: real servers total and
// available, active and inactive connections of all of them, traffic.
func (sh shape) summaryKeys() int { return 4 + sh.trafficKeys() }

// realServerKeysOf is realServerKeys of the service with the id: one
// more when it has persistence (persistent_conns).
func (sh shape) realServerKeysOf(id []byte) int {
	if sh.persist.of(id) != nil {
		return sh.realServerKeys() + 1
	}
	return sh.realServerKeys()
}

// fullKeys is what a service costs printed as before the budget: its
// real servers, their number and the available ones, and its traffic.
func (sh shape) fullKeys(id []byte, realServers int) int {
	return 2 + sh.trafficKeys() + sh.realServerKeysOf(id)*realServers
}

type realServerKey struct {
	addr netip.Addr
	port uint16
}

// service is what the first walk keeps of a service: its id and sums,
// and, while the whole table may still fit, its real servers.
type service struct {
	id                         string
	realServers, available     uint64
	activeConns, inactiveConns uint64
	traffic                    procnet.IPVSCounters
	hasTraffic                 bool
	// its real servers, while the whole table may still fit, and after
	// that only for a detail candidate (retained)
	servers        []procnet.RealServer
	serversTraffic []procnet.IPVSCounters // likewise, with -real-server-traffic
	retained       bool
}

// table reads the services, skipping duplicated services and real
// servers with one stderr line each.
type table struct {
	w            *metricout.Writer
	quiet        bool // a second walk: the first told of the duplicates
	seenServices map[string]struct{}
	seenServers  map[realServerKey]struct{}
	key          []byte
	names        *ipvsnames.Names // -service-names: keys by name
	// unique real servers of the service being read, and their traffic
	servers        []procnet.RealServer
	serversTraffic []procnet.IPVSCounters
}

func newTable(w *metricout.Writer, names *ipvsnames.Names) *table {
	return &table{w: w, names: names, seenServices: map[string]struct{}{}, seenServers: map[realServerKey]struct{}{}}
}

// read sets t.key to the service id and t.servers (and serversTraffic)
// to its real servers without duplicates; false for a duplicated service.
func (t *table) read(s *procnet.Service, rsTraffic []procnet.IPVSCounters) bool {
	t.key = appendServiceKey(t.key[:0], s, t.names)
	if _, dup := t.seenServices[string(t.key)]; dup {
		// Listed twice by a read while another service was added (the
		// table is not a snapshot): kept once, without a word.
		return false
	}
	t.seenServices[string(t.key)] = struct{}{}
	t.servers, t.serversTraffic = t.servers[:0], t.serversTraffic[:0]
	for i := range s.RealServers {
		rs := &s.RealServers[i]
		if t.duplicate(realServerKey{rs.Addr, rs.Port}) {
			if !t.quiet {
				t.w.Warnf("%s: skipping duplicated real server %s of service %s", name, appendRealServerID(nil, rs), t.key)
			}
			continue
		}
		t.servers = append(t.servers, *rs)
		if rsTraffic != nil {
			t.serversTraffic = append(t.serversTraffic, rsTraffic[i])
		}
	}
	return true
}

// writeFull writes the service just read as it was written before the
// budget: every real server, their number and the available ones, and
// the traffic; key buffers the keys.
func writeFull(w *metricout.Writer, key []byte, servers []procnet.RealServer, serversTraffic []procnet.IPVSCounters, traffic *procnet.IPVSCounters, pc persistConns) []byte {
	svcLen := len(key)
	persist := pc.of(key)
	var available uint64
	for i := range servers {
		rs := &servers[i]
		if rs.Weight > 0 {
			available++
		}
		key = writeRealServer(w, key, svcLen, rs, serversTraffic, i, persist)
	}
	w.GaugeKey(append(key[:svcLen], ".real_servers.total"...), uint64(len(servers)))
	w.GaugeKey(append(key[:svcLen], ".real_servers.available"...), available)
	if traffic != nil {
		writeTraffic(w, string(key[:svcLen]), traffic)
	}
	return key[:svcLen]
}

// writeRealServer writes one real server's keys below the service id
// key[:svcLen]; persist is the service's persistence templates, nil
// without persistence.
func writeRealServer(w *metricout.Writer, key []byte, svcLen int, rs *procnet.RealServer, serversTraffic []procnet.IPVSCounters, i int, persist map[realServerKey]uint64) []byte {
	// The id is formatted once for all of the real server's keys: with
	// every real server printed, formatting addresses is most of the run.
	var buf [64]byte
	id := appendRealServerID(buf[:0], rs)
	key = append(append(key[:svcLen], ".weight."...), id...)
	w.GaugeKey(key, uint64(rs.Weight))
	key = append(append(key[:svcLen], ".active_conns."...), id...)
	w.GaugeKey(key, rs.ActiveConns)
	key = append(append(key[:svcLen], ".inactive_conns."...), id...)
	w.GaugeKey(key, rs.InactiveConns)
	key = writePersistConns(w, key, svcLen, rs, id, persist)
	if serversTraffic != nil {
		t := &serversTraffic[i]
		for _, c := range [...]struct {
			part string
			v    uint64
		}{{".conns.", t.Conns}, {".packets_in.", t.InPackets}, {".packets_out.", t.OutPackets}, {".bytes_in.", t.InBytes}, {".bytes_out.", t.OutBytes}} {
			key = append(append(key[:svcLen], c.part...), id...)
			w.Counter(string(key), c.v)
		}
	}
	return key
}

// trafficParts are the traffic keys below a service id, and the counter
// of each.
var trafficParts = [...]struct {
	key string
	of  func(*procnet.IPVSCounters) uint64
}{
	{".service_conns.new", func(c *procnet.IPVSCounters) uint64 { return c.Conns }},
	{".service_packets.in", func(c *procnet.IPVSCounters) uint64 { return c.InPackets }},
	{".service_packets.out", func(c *procnet.IPVSCounters) uint64 { return c.OutPackets }},
	{".service_bytes.in", func(c *procnet.IPVSCounters) uint64 { return c.InBytes }},
	{".service_bytes.out", func(c *procnet.IPVSCounters) uint64 { return c.OutBytes }},
}

func writeTraffic(w *metricout.Writer, id string, t *procnet.IPVSCounters) {
	for _, part := range trafficParts {
		w.Counter(id+part.key, part.of(t))
	}
}

// writeServices writes the services that walk gives within -max-metrics:
// as before the budget when the whole table fits (fold), else summarised.
func (p plugin) writeServices(w *metricout.Writer, walk serviceWalk, sh shape) bool {
	if p.opts.vips != nil {
		walk = p.opts.vips.observing(walk)
	}
	budget := p.opts.Budget
	t := newTable(w, p.opts.names)
	if budget.Max == 0 {
		// No limit: every real server, written as the table streams by.
		metricout.Notice(w, "")
		err := walk(func(s *procnet.Service, traffic *procnet.IPVSCounters, rsTraffic []procnet.IPVSCounters) {
			if t.read(s, rsTraffic) {
				t.key = writeFull(w, t.key, t.servers, nilUnless(rsTraffic != nil, t.serversTraffic), traffic, sh.persist)
			}
		})
		return p.walked(w, err)
	}
	var svcs serviceList
	keys, fits := sh.global, true
	candidates := newDetailCandidates(w, maxPlaces(budget.Max, sh), &svcs)
	err := walk(func(s *procnet.Service, traffic *procnet.IPVSCounters, rsTraffic []procnet.IPVSCounters) {
		if !t.read(s, rsTraffic) {
			return
		}
		svc := service{id: string(t.key), realServers: uint64(len(t.servers))}
		for i := range t.servers {
			rs := &t.servers[i]
			if rs.Weight > 0 {
				svc.available++
			}
			svc.activeConns += rs.ActiveConns
			svc.inactiveConns += rs.InactiveConns
		}
		if traffic != nil {
			svc.traffic, svc.hasTraffic = *traffic, true
		}
		stored := svcs.add(svc)
		last := svcs.len() - 1
		keys += sh.fullKeys(t.key, len(t.servers))
		keep := true
		switch {
		case fits && budget.Fits(keys):
		case fits: // from now on only the candidates for detail keep theirs
			fits = false
			for i := range last {
				candidates.offer(i)
			}
			keep = candidates.offer(last)
		default:
			keep = candidates.offer(last)
		}
		if keep {
			stored.servers = candidates.keep(t.servers)
			if rsTraffic != nil {
				stored.serversTraffic = slices.Clone(t.serversTraffic)
			}
		}
	})
	if !p.walked(w, err) {
		return false
	}
	fold, unfolded := budget.Fold(w, "real_servers", keys)
	if fits && !fold {
		if unfolded {
			metricout.Notice(w, fmt.Sprintf("%s: every real server has fitted -max-metrics %d with room for an hour: printed again", name, budget.Max))
		} else {
			metricout.Notice(w, "")
		}
		for i := range svcs.len() {
			s := svcs.at(i)
			var traffic *procnet.IPVSCounters
			if s.hasTraffic {
				traffic = &s.traffic
			}
			t.key = writeFull(w, append(t.key[:0], s.id...), s.servers, s.serversTraffic, traffic, sh.persist)
		}
		return true
	}
	return p.writeFolded(w, walk, sh, &svcs)
}

func nilUnless[T any](ok bool, s []T) []T {
	if !ok {
		return nil
	}
	return s
}

func (p plugin) walked(w *metricout.Writer, err error) bool {
	if err != nil {
		w.Warnf("%s: skipping services and real servers: %v", name, ipvsHint(err))
		return false
	}
	return true
}
