package ipvs

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"

	mp "github.com/mackerelio/go-mackerel-plugin-helper"
	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

type plugin struct{ opts *options }

func (p plugin) Graphs() map[string]mp.Graphs { return graphs() }

func (p plugin) Validate() error { return p.opts.validate() }

func (p plugin) Collect(w *metricout.Writer) int {
	fsys := procnet.NewFS(p.opts.ProcfsRoot)
	read := 0
	switch nl, ok := p.openNetlink(w, fsys); {
	case nl != nil:
		defer nl.Close()
		if p.collectNetlink(w, fsys, nl) {
			read++
		}
	case ok:
		if p.collectServices(w, fsys, nil) {
			read++
		}
	}
	if st, err := fsys.IPVSStats(); err != nil {
		w.Warnf("%s: skipping global IPVS rates: %v", name, err)
	} else {
		t := st.Totals
		w.Counter("stats.connections.conns", t.Conns)
		w.Counter("stats.packets.in", t.InPackets)
		w.Counter("stats.packets.out", t.OutPackets)
		w.Counter("stats.bytes.in", t.InBytes)
		w.Counter("stats.bytes.out", t.OutBytes)
		read++
	}
	return read
}

type realServerKey struct {
	addr netip.Addr
	port uint16
}

// serviceWriter writes the per-service and per-real-server values,
// building every key in one reused buffer and skipping duplicates.
type serviceWriter struct {
	w            *metricout.Writer
	seenServices map[string]struct{}
	seenServers  map[realServerKey]struct{}
	key          []byte
}

func newServiceWriter(w *metricout.Writer) *serviceWriter {
	return &serviceWriter{w: w, seenServices: map[string]struct{}{}, seenServers: map[realServerKey]struct{}{}}
}

// write writes one service. traffic, when not nil, is the service's
// counters; rsTraffic, when not nil, holds its real servers' counters in
// the order of s.RealServers.
func (sw *serviceWriter) write(s *procnet.Service, traffic *procnet.IPVSCounters, rsTraffic []procnet.IPVSCounters) {
	w := sw.w
	key := appendServiceID(sw.key[:0], s)
	defer func() { sw.key = key }()
	if _, dup := sw.seenServices[string(key)]; dup {
		w.Warnf("%s: skipping duplicated service %s", name, key)
		return
	}
	sw.seenServices[string(key)] = struct{}{}
	svcLen := len(key)
	clear(sw.seenServers)
	var available uint64
	for i := range s.RealServers {
		rs := &s.RealServers[i]
		if _, dup := sw.seenServers[realServerKey{rs.Addr, rs.Port}]; dup {
			w.Warnf("%s: skipping duplicated real server %s of service %s", name, appendRealServerID(nil, rs), key[:svcLen])
			continue
		}
		sw.seenServers[realServerKey{rs.Addr, rs.Port}] = struct{}{}
		if rs.Weight > 0 {
			available++
		}
		key = appendRealServerID(append(key[:svcLen], ".weight."...), rs)
		w.GaugeKey(key, uint64(rs.Weight))
		key = appendRealServerID(append(key[:svcLen], ".active_conns."...), rs)
		w.GaugeKey(key, rs.ActiveConns)
		key = appendRealServerID(append(key[:svcLen], ".inactive_conns."...), rs)
		w.GaugeKey(key, rs.InactiveConns)
		if rsTraffic != nil {
			t := &rsTraffic[i]
			for _, c := range [...]struct {
				part string
				v    uint64
			}{{".conns.", t.Conns}, {".packets_in.", t.InPackets}, {".packets_out.", t.OutPackets}, {".bytes_in.", t.InBytes}, {".bytes_out.", t.OutBytes}} {
				key = appendRealServerID(append(key[:svcLen], c.part...), rs)
				w.Counter(string(key), c.v)
			}
		}
	}
	w.GaugeKey(append(key[:svcLen], ".real_servers.total"...), uint64(len(sw.seenServers)))
	w.GaugeKey(append(key[:svcLen], ".real_servers.available"...), available)
	if traffic != nil {
		prefix := string(key[:svcLen])
		w.Counter(prefix+".service_conns.new", traffic.Conns)
		w.Counter(prefix+".service_packets.in", traffic.InPackets)
		w.Counter(prefix+".service_packets.out", traffic.OutPackets)
		w.Counter(prefix+".service_bytes.in", traffic.InBytes)
		w.Counter(prefix+".service_bytes.out", traffic.OutBytes)
	}
}

// collectServices writes the services of net/ip_vs while walking it;
// traffic, when not nil, gives a service's counters by its id.
func (p plugin) collectServices(w *metricout.Writer, fsys procnet.FS, traffic map[string]procnet.IPVSCounters) bool {
	sw := newServiceWriter(w)
	var id []byte
	walk := func(s *procnet.Service) error {
		var t *procnet.IPVSCounters
		if traffic != nil {
			id = appendServiceID(id[:0], s)
			if c, ok := traffic[string(id)]; ok {
				t = &c
			}
		}
		sw.write(s, t, nil)
		return nil
	}
	var err error
	if p.opts.Target != "" {
		err = procnet.WalkIPVSFile(p.opts.Target, walk)
	} else {
		err = fsys.WalkIPVS(walk)
	}
	if err != nil {
		w.Warnf("%s: skipping services and real servers: %v", name, ipvsHint(err))
		return false
	}
	return true
}

// ipvsHint explains the usual cause of a missing ip_vs file.
func ipvsHint(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w (is the ip_vs module loaded?)", err)
	}
	return err
}
