package ipvsnames

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// protoFWM6 names the IPv6 fwmark service of a mark: FWM6:MARK.
const protoFWM6 = "FWM6"

// kernelProtocols are the names the kernel prints; any other protocol
// number is printed as IP_<n>.
var kernelProtocols = procnet.IPVSProtocols()

// ParseService parses the service notation: "TCP:10.0.0.1:80",
// "UDP:[2001:db8::1]:53" (IPv6 in brackets), "FWM:1", "FWM:0x1", and
// "FWM6:1" for the IPv6 fwmark service of mark 1. The protocol is
// accepted in any case and returned as the kernel prints it.
func ParseService(s string) (procnet.IPVSServiceID, error) {
	proto, rest, ok := strings.Cut(s, ":")
	if !ok || rest == "" {
		return procnet.IPVSServiceID{}, fmt.Errorf("invalid service %q: want PROTO:ADDR:PORT (such as TCP:10.0.0.1:80), FWM:MARK or FWM6:MARK", s)
	}
	if strings.EqualFold(proto, protoFWM6) {
		mark, err := parseMark(rest)
		if err != nil {
			return procnet.IPVSServiceID{}, fmt.Errorf("invalid service %q: %w", s, err)
		}
		return procnet.IPVSServiceID{Protocol: procnet.ProtocolFWM, Mark: mark, IPv6: true}, nil
	}
	p, err := canonicalProtocol(proto)
	if err != nil {
		return procnet.IPVSServiceID{}, fmt.Errorf("invalid service %q: %w", s, err)
	}
	if p == procnet.ProtocolFWM {
		mark, err := parseMark(rest)
		if err != nil {
			return procnet.IPVSServiceID{}, fmt.Errorf("invalid service %q: %w", s, err)
		}
		return procnet.IPVSServiceID{Protocol: p, Mark: mark}, nil
	}
	ap, err := netip.ParseAddrPort(rest)
	if err != nil || ap.Addr().Zone() != "" {
		return procnet.IPVSServiceID{}, fmt.Errorf("invalid service %q: want %s:ADDR:PORT, IPv6 in brackets", s, p)
	}
	return procnet.IPVSServiceID{Protocol: p, Addr: ap.Addr(), Port: ap.Port()}, nil
}

// ServiceNotation writes id back in the notation ParseService reads:
// "TCP:10.0.0.1:80", "UDP:[2001:db8::1]:53", "FWM:1", "FWM6:1".
func ServiceNotation(id procnet.IPVSServiceID) string {
	if id.Protocol == procnet.ProtocolFWM && id.IPv6 {
		return protoFWM6 + ":" + strconv.FormatUint(uint64(id.Mark), 10)
	}
	if id.Protocol == procnet.ProtocolFWM {
		return procnet.ProtocolFWM + ":" + strconv.FormatUint(uint64(id.Mark), 10)
	}
	return id.Protocol + ":" + netip.AddrPortFrom(id.Addr, id.Port).String()
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
