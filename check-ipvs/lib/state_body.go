package checkipvs

import (
	"errors"
	"net/netip"
)

// The body of the state lists real servers as the kernel prints them in
// net/ip_vs, in hex, "7F000001:1F9B" or 32 hex digits for IPv6: written
// and read back without allocating, which matters on the run after a
// change of a table of 100,000 real servers.

const hexDigits = "0123456789ABCDEF"

// appendHexAddrPort appends rs as ADDR:PORT in hex.
func appendHexAddrPort(b []byte, rs netip.AddrPort) []byte {
	a := rs.Addr()
	if a.Is4() {
		v := a.As4()
		b = appendHex(b, v[:])
	} else {
		v := a.As16()
		b = appendHex(b, v[:])
	}
	p := rs.Port()
	return append(append(b, ':'), hexDigits[p>>12], hexDigits[p>>8&15], hexDigits[p>>4&15], hexDigits[p&15])
}

func appendHex(b, v []byte) []byte {
	for _, c := range v {
		b = append(b, hexDigits[c>>4], hexDigits[c&15])
	}
	return b
}

var errHexAddrPort = errors.New("not a real server in hex")

// parseHexAddrPort parses what appendHexAddrPort wrote.
func parseHexAddrPort(s []byte) (netip.AddrPort, error) {
	var a netip.Addr
	switch {
	case len(s) == 8+1+4 && s[8] == ':':
		var v [4]byte
		if !parseHex(v[:], s[:8]) {
			return netip.AddrPort{}, errHexAddrPort
		}
		a = netip.AddrFrom4(v)
	case len(s) == 32+1+4 && s[32] == ':':
		var v [16]byte
		if !parseHex(v[:], s[:32]) {
			return netip.AddrPort{}, errHexAddrPort
		}
		a = netip.AddrFrom16(v)
	default:
		return netip.AddrPort{}, errHexAddrPort
	}
	var p [2]byte
	if !parseHex(p[:], s[len(s)-4:]) {
		return netip.AddrPort{}, errHexAddrPort
	}
	return netip.AddrPortFrom(a, uint16(p[0])<<8|uint16(p[1])), nil
}

func parseHex(dst, s []byte) bool {
	for i := range dst {
		hi, ok1 := unhex(s[2*i])
		lo, ok2 := unhex(s[2*i+1])
		if !ok1 || !ok2 {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// parseDecimal32 parses a decimal uint32 without allocating.
func parseDecimal32(s []byte) (uint32, bool) {
	if len(s) == 0 || len(s) > 10 {
		return 0, false
	}
	var v uint64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return uint32(v), v <= 1<<32-1
}
