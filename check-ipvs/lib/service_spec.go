package checkipvs

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// serviceSpec names one IPVS virtual service. It is comparable, so a spec
// from the command line matches a service from net/ip_vs by ==.
type serviceSpec struct {
	Protocol string     // as the kernel prints it: TCP, UDP, SCTP, FWM, IP_<n>...
	Addr     netip.Addr // invalid for FWM
	Port     uint16
	Mark     uint32 // FWM only
	// IPv6 is the IPv6 fwmark service of the mark (ipvsadm -A -f MARK
	// -6), FWM6:MARK; the kernel keys fwmark services by family and mark.
	IPv6 bool
}

// protoFWM6 names the IPv6 fwmark service of a mark in the --service
// syntax and the state.
const protoFWM6 = "FWM6"

const protoFWM = procnet.ProtocolFWM

// kernelProtocols are the names the kernel prints; any other protocol
// number is printed as IP_<n>.
var kernelProtocols = procnet.IPVSProtocols()

// parseServiceSpec parses the --service and --expect syntax:
// "TCP:10.0.0.1:80", "UDP:[2001:db8::1]:53", "FWM:1", "FWM:0x1", and
// "FWM6:1" for the IPv6 fwmark service of mark 1.
func parseServiceSpec(s string) (serviceSpec, error) {
	proto, rest, ok := strings.Cut(s, ":")
	if !ok || rest == "" {
		return serviceSpec{}, fmt.Errorf("invalid service %q: want PROTO:ADDR:PORT (such as TCP:10.0.0.1:80), FWM:MARK or FWM6:MARK", s)
	}
	if strings.EqualFold(proto, protoFWM6) {
		mark, err := parseMark(rest)
		if err != nil {
			return serviceSpec{}, fmt.Errorf("invalid service %q: %w", s, err)
		}
		return serviceSpec{Protocol: protoFWM, Mark: mark, IPv6: true}, nil
	}
	p, err := canonicalProtocol(proto)
	if err != nil {
		return serviceSpec{}, fmt.Errorf("invalid service %q: %w", s, err)
	}
	if p == protoFWM {
		mark, err := parseMark(rest)
		if err != nil {
			return serviceSpec{}, fmt.Errorf("invalid service %q: %w", s, err)
		}
		return serviceSpec{Protocol: p, Mark: mark}, nil
	}
	ap, err := netip.ParseAddrPort(rest)
	if err != nil || ap.Addr().Zone() != "" {
		return serviceSpec{}, fmt.Errorf("invalid service %q: want %s:ADDR:PORT, IPv6 in brackets", s, p)
	}
	return serviceSpec{Protocol: p, Addr: ap.Addr(), Port: ap.Port()}, nil
}

// protocolNumbers are protocols a user names that the kernel prints by
// number (ip_vs_proto_name has no name for them).
var protocolNumbers = map[string]uint8{"AH": 51, "ESP": 50}

// canonicalProtocol accepts a protocol name in any case, or IP_<number>,
// and returns it spelled as the kernel prints it, in net/ip_vs as over
// netlink: AH is IP_51, IP_6 is TCP.
func canonicalProtocol(s string) (string, error) {
	for _, p := range kernelProtocols {
		if strings.EqualFold(s, p) {
			return p, nil
		}
	}
	if n, ok := protocolNumbers[strings.ToUpper(s)]; ok {
		return procnet.IPVSProtocolName(n), nil
	}
	if len(s) > 3 && strings.EqualFold(s[:3], "IP_") {
		if n, err := strconv.ParseUint(s[3:], 10, 8); err == nil {
			return procnet.IPVSProtocolName(uint8(n)), nil
		}
	}
	return "", fmt.Errorf("unknown protocol %q: want TCP, UDP, SCTP, AH, ESP, FWM, FWM6 or IP_<number>", s)
}

// parseMark accepts a decimal or 0x-prefixed hexadecimal firewall mark. A
// leading zero does not mean octal, unlike strconv's base 0.
func parseMark(s string) (uint32, error) {
	digits, base := s, 10
	if h, ok := strings.CutPrefix(strings.ToLower(s), "0x"); ok {
		digits, base = h, 16
	}
	v, err := strconv.ParseUint(digits, base, 32)
	if err != nil || v == 0 {
		return 0, fmt.Errorf("firewall mark %q: want a number from 1 to 4294967295, decimal or 0x hex", s)
	}
	return uint32(v), nil
}

// specOf returns the spec that names svc.
func specOf(svc *procnet.Service) serviceSpec {
	id := svc.ID()
	return serviceSpec{Protocol: id.Protocol, Addr: id.Addr, Port: id.Port, Mark: id.Mark, IPv6: id.IPv6}
}

// id names s to procnet, for a targeted read.
func (s serviceSpec) id() procnet.IPVSServiceID {
	return procnet.IPVSServiceID{Protocol: s.Protocol, Addr: s.Addr, Port: s.Port, Mark: s.Mark, IPv6: s.IPv6}
}

// String returns the service in ipvsadm -Ln notation: "TCP 10.0.0.1:80",
// "UDP [2001:db8::1]:53", "FWM 1", "FWM 1 IPv6".
func (s serviceSpec) String() string { return s.id().String() }

// key returns the spec in the --service syntax, which parseServiceSpec
// reads back: "TCP:10.0.0.1:80", "UDP:[2001:db8::1]:53", "FWM:1", "FWM6:1".
func (s serviceSpec) key() string {
	if s.Protocol == protoFWM && s.IPv6 {
		return protoFWM6 + ":" + strconv.FormatUint(uint64(s.Mark), 10)
	}
	if s.Protocol == protoFWM {
		return protoFWM + ":" + strconv.FormatUint(uint64(s.Mark), 10)
	}
	return s.Protocol + ":" + netip.AddrPortFrom(s.Addr, s.Port).String()
}
