package ipvs

import (
	"net/netip"
	"strconv"

	"github.com/procnet/mackerel-plugin-proc-net/internal/ipvsnames"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// appendServiceID appends the documented service id: <PROTO>_<addr>_<port>,
// or FWM_<mark in decimal>, FWM6_<mark> for the IPv6 fwmark service of the
// mark (the IPv4 one keeps the key it always had). IPv6 is written
// compressed (RFC 5952); dots and colons become '_'.
func appendServiceID(b []byte, s *procnet.Service) []byte {
	b = append(b, s.Protocol...)
	if s.IsFWM() && s.FWMIPv6 {
		b = append(b, '6')
	}
	b = append(b, '_')
	if s.IsFWM() {
		return strconv.AppendUint(b, uint64(s.FirewallMark), 10)
	}
	return appendAddrPort(b, s.Addr, s.Port)
}

// appendServiceKey appends the name of s in -service-names (sanitised),
// else its id (appendServiceID).
func appendServiceKey(b []byte, s *procnet.Service, names *ipvsnames.Names) []byte {
	if names != nil {
		if k, ok := names.Key(s.ID()); ok {
			return append(b, k...)
		}
	}
	return appendServiceID(b, s)
}

// serviceKey is what names a service, as its id does, without building
// the id: the join of netlink's traffic with net/ip_vs allocates nothing
// per service.
type serviceKey = procnet.IPVSServiceID

func keyOf(s *procnet.Service) serviceKey { return s.ID() }

// appendRealServerID appends <addr>_<port>.
func appendRealServerID(b []byte, rs *procnet.RealServer) []byte {
	return appendAddrPort(b, rs.Addr, rs.Port)
}

func appendAddrPort(b []byte, a netip.Addr, port uint16) []byte {
	start := len(b)
	b = a.AppendTo(b)
	for i := start; i < len(b); i++ {
		if b[i] == '.' || b[i] == ':' {
			b[i] = '_'
		}
	}
	b = append(b, '_')
	return strconv.AppendUint(b, uint64(port), 10)
}
