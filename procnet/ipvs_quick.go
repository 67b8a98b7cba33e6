package procnet

import "net/netip"

// quickRealServer reads a real-server line of net/ip_vs in one pass over
// the bytes when it is exactly as the kernel prints it for an IPv4 real
// server:
//
//	"  -> 0A000102:0050      Route   1      3          17        "
//
// Anything else, valid or not, is left to the general parser (ok false),
// which decides and names what is wrong, so the two never disagree.
func quickRealServer(b []byte, rs *RealServer) bool {
	i := skipSpaces(b, 0)
	if i+3 > len(b) || b[i] != '-' || b[i+1] != '>' || b[i+2] != ' ' {
		return false
	}
	i = skipSpaces(b, i+3)
	// 8 hex digits, ':', 4 hex digits, ' '
	if i+14 > len(b) || b[i+8] != ':' || b[i+13] != ' ' {
		return false
	}
	addr, ok := quickHexDigits(b[i : i+8])
	if !ok {
		return false
	}
	port, ok := quickHexDigits(b[i+9 : i+13])
	if !ok {
		return false
	}
	i = skipSpaces(b, i+13)
	start := i
	for i < len(b) && ('a' <= b[i] && b[i] <= 'z' || 'A' <= b[i] && b[i] <= 'Z') {
		i++
	}
	fwd := ""
	for _, f := range forwards {
		if string(b[start:i]) == f {
			fwd = f
		}
	}
	if fwd == "" || i >= len(b) || b[i] != ' ' {
		return false
	}
	var vals [3]uint64
	for k := range vals {
		i = skipSpaces(b, i)
		start := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' && i-start < 19 {
			vals[k] = vals[k]*10 + uint64(b[i]-'0')
			i++
		}
		if i == start || (i < len(b) && b[i] != ' ') {
			return false
		}
	}
	if skipSpaces(b, i) != len(b) || vals[0] > 65535 {
		return false
	}
	*rs = RealServer{
		Addr:          netip.AddrFrom4([4]byte{byte(addr >> 24), byte(addr >> 16), byte(addr >> 8), byte(addr)}),
		Port:          uint16(port),
		Forward:       fwd,
		Weight:        uint32(vals[0]),
		ActiveConns:   vals[1],
		InactiveConns: vals[2],
	}
	return true
}

// quickHexDigits parses upper- or lower-case hex digits, at most 8.
func quickHexDigits(b []byte) (uint32, bool) {
	var v uint32
	for _, c := range b {
		d, ok := hexDigit(c)
		if !ok {
			return 0, false
		}
		v = v<<4 | uint32(d)
	}
	return v, true
}
