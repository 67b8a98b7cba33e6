package ipvs

import (
	"github.com/procnet/mackerel-plugin-proc-net/internal/ipvsnames"
	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// persistConns are the persistence templates per real server of the
// persistent services (ipvsadm -p), by service id: what `ipvsadm -Ln
// --persistent-conn` shows. Only netlink has them; a service without
// persistence is absent and costs no key.
type persistConns map[string]map[realServerKey]uint64

// add records the real servers of s, a persistent service read with its
// real servers over netlink, under its key (by names when named).
func (pc persistConns) add(s *procnet.NetlinkService, names *ipvsnames.Names) {
	m := make(map[realServerKey]uint64, len(s.RealServers))
	for i := range s.RealServers {
		rs := &s.RealServers[i]
		m[realServerKey{rs.Addr, rs.Port}] = uint64(s.RealServerPersistConns[i])
	}
	pc[string(appendServiceKey(nil, &s.Service, names))] = m
}

// of is the persistence templates of the service with the id, nil for a
// service without persistence.
func (pc persistConns) of(id []byte) map[realServerKey]uint64 {
	if pc == nil {
		return nil
	}
	return pc[string(id)]
}

// persistentServices reads the real servers of the persistent services
// of a dump, one targeted dump each. A service that went away in between
// is left out (its keys with it); any other error is returned.
func persistentServices(nl *procnet.IPVSNetlink, svcs []procnet.NetlinkService, names *ipvsnames.Names) (persistConns, error) {
	pc := persistConns{}
	for i := range svcs {
		s := &svcs[i]
		if err := nl.ReadRealServers(s); err != nil {
			if _, found, lerr := nl.LookupService(s.ID()); lerr == nil && !found {
				continue
			}
			return nil, err
		}
		pc.add(s, names)
	}
	return pc, nil
}

// writePersistConns writes <service>.persistent_conns.<real server> when
// the service has persistence: one key per real server the dump had.
func writePersistConns(w *metricout.Writer, key []byte, svcLen int, rs *procnet.RealServer, id []byte, pc map[realServerKey]uint64) []byte {
	if pc == nil {
		return key
	}
	v, ok := pc[realServerKey{rs.Addr, rs.Port}]
	if !ok {
		return key
	}
	key = append(append(key[:svcLen], ".persistent_conns."...), id...)
	w.GaugeKey(key, v)
	return key
}
