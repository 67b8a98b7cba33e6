package ipvs

import (
	"net/netip"

	mp "github.com/mackerelio/go-mackerel-plugin-helper"
	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

type plugin struct{ opts *options }

func (p plugin) Graphs() map[string]mp.Graphs { return graphs() }

func (p plugin) Collect(w *metricout.Writer) int {
	fsys := procnet.NewFS(p.opts.ProcfsRoot)
	read := 0
	if p.collectServices(w, fsys) {
		read++
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

// collectServices writes the per-service and per-real-server values while
// walking net/ip_vs, building every key in one reused buffer.
func (p plugin) collectServices(w *metricout.Writer, fsys procnet.FS) bool {
	seenServices := map[string]struct{}{}
	seenServers := map[realServerKey]struct{}{}
	var key []byte
	walk := func(s *procnet.Service) error {
		key = appendServiceID(key[:0], s)
		if _, dup := seenServices[string(key)]; dup {
			w.Warnf("%s: skipping duplicated service %s", name, key)
			return nil
		}
		seenServices[string(key)] = struct{}{}
		svcLen := len(key)
		clear(seenServers)
		var available uint64
		for i := range s.RealServers {
			rs := &s.RealServers[i]
			if _, dup := seenServers[realServerKey{rs.Addr, rs.Port}]; dup {
				w.Warnf("%s: skipping duplicated real server %s of service %s", name, appendRealServerID(nil, rs), key[:svcLen])
				continue
			}
			seenServers[realServerKey{rs.Addr, rs.Port}] = struct{}{}
			if rs.Weight > 0 {
				available++
			}
			key = appendRealServerID(append(key[:svcLen], ".weight."...), rs)
			w.GaugeKey(key, uint64(rs.Weight))
			key = appendRealServerID(append(key[:svcLen], ".active_conns."...), rs)
			w.GaugeKey(key, rs.ActiveConns)
			key = appendRealServerID(append(key[:svcLen], ".inactive_conns."...), rs)
			w.GaugeKey(key, rs.InactiveConns)
		}
		w.GaugeKey(append(key[:svcLen], ".real_servers.total"...), uint64(len(seenServers)))
		w.GaugeKey(append(key[:svcLen], ".real_servers.available"...), available)
		return nil
	}
	var err error
	if p.opts.target != "" {
		err = procnet.WalkIPVSFile(p.opts.target, walk)
	} else {
		err = fsys.WalkIPVS(walk)
	}
	if err != nil {
		w.Warnf("%s: skipping services and real servers: %v", name, ipvsHint(err))
		return false
	}
	return true
}
