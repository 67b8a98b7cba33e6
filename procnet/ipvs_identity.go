package procnet

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// IPVSServiceID is what the kernel keys a service by: protocol, address
// and port, or family and firewall mark. It is comparable.
type IPVSServiceID struct {
	Protocol string     // as net/ip_vs prints it; FWM for a fwmark service
	Addr     netip.Addr // invalid for FWM
	Port     uint16
	Mark     uint32 // FWM only
	IPv6     bool   // FWM only: the IPv6 service of the mark
}

// ID returns what names s to the kernel.
func (s *Service) ID() IPVSServiceID {
	if s.IsFWM() {
		return IPVSServiceID{Protocol: protoFWM, Mark: s.FirewallMark, IPv6: s.FWMIPv6}
	}
	return IPVSServiceID{Protocol: s.Protocol, Addr: s.Addr, Port: s.Port}
}

// FWMFamilyFromFile is how a fwmark service of net/ip_vs, which prints no
// family, is told IPv6: every real server is IPv6. With no real server,
// or both families (tunnelled real servers may be of the other family),
// it is taken as the IPv4 service.
func FWMFamilyFromFile(rs []RealServer) bool {
	if len(rs) == 0 {
		return false
	}
	for i := range rs {
		if !rs[i].Addr.Is6() {
			return false
		}
	}
	return true
}

// ParseIPVSServiceID reads back what IPVSServiceID.String wrote: "TCP
// 10.0.0.1:80", "UDP [2001:db8::1]:53", "FWM 1", "FWM 1 IPv6".
func ParseIPVSServiceID(s string) (IPVSServiceID, error) {
	proto, rest, ok := strings.Cut(s, " ")
	if !ok {
		return IPVSServiceID{}, fmt.Errorf("service %q: want PROTO ADDR:PORT or FWM MARK", s)
	}
	if proto == protoFWM {
		mark, v6 := rest, false
		if m, ok := strings.CutSuffix(rest, " IPv6"); ok {
			mark, v6 = m, true
		}
		n, err := strconv.ParseUint(mark, 10, 32)
		if err != nil || n == 0 {
			return IPVSServiceID{}, fmt.Errorf("service %q: firewall mark %q", s, mark)
		}
		return IPVSServiceID{Protocol: protoFWM, Mark: uint32(n), IPv6: v6}, nil
	}
	ap, err := netip.ParseAddrPort(rest)
	if err != nil {
		return IPVSServiceID{}, fmt.Errorf("service %q: %w", s, err)
	}
	if _, ok := ipvsProtocolNumber(proto); !ok {
		return IPVSServiceID{}, fmt.Errorf("service %q: protocol %q", s, proto)
	}
	return IPVSServiceID{Protocol: proto, Addr: ap.Addr(), Port: ap.Port()}, nil
}
