package procnet

import "net/netip"

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
