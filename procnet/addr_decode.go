package procnet

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// The layout of an RTM_NEWADDR message (linux/if_addr.h), here so that
// the decoder builds and is tested on every system.
const (
	sizeofIfAddrmsg = 8 // family u8, prefixlen u8, flags u8, scope u8, index u32
	ifaAddress      = 1 // IFA_ADDRESS: the prefix address (the peer's on point-to-point)
	ifaLocal        = 2 // IFA_LOCAL: the local address, IPv4 only
)

// InterfaceAddr is one address assigned to an interface of a namespace.
type InterfaceAddr struct {
	Addr    netip.Addr
	IfIndex uint32
}

// decodeIfAddr decodes one RTM_NEWADDR message body: the address the
// interface holds is IFA_LOCAL when present (IPv4; IFA_ADDRESS is the
// peer's on a point-to-point link), else IFA_ADDRESS (IPv6). ok is false
// for a family other than IPv4 and IPv6. A body too short or an address
// of the wrong length is an error, never a panic.
func decodeIfAddr(body []byte) (a InterfaceAddr, ok bool, err error) {
	if len(body) < sizeofIfAddrmsg {
		return a, false, fmt.Errorf("truncated ifaddrmsg: %d bytes, want %d", len(body), sizeofIfAddrmsg)
	}
	family := body[0]
	var size int
	switch family {
	case linuxAFInet:
		size = 4
	case linuxAFInet6:
		size = 16
	default:
		return a, false, nil
	}
	a.IfIndex = binary.NativeEndian.Uint32(body[4:8])
	var local, address []byte
	attrs := nlAttrs{b: body[nlmAlign(sizeofIfAddrmsg):]}
	for attrs.next() {
		switch attrs.typ {
		case ifaLocal:
			local = attrs.val
		case ifaAddress:
			address = attrs.val
		}
	}
	if attrs.err != nil {
		return a, false, attrs.err
	}
	v := local
	if v == nil {
		v = address
	}
	if v == nil {
		return a, false, fmt.Errorf("address of interface %d without IFA_LOCAL or IFA_ADDRESS", a.IfIndex)
	}
	if len(v) != size {
		return a, false, fmt.Errorf("address of interface %d: %d bytes, want %d", a.IfIndex, len(v), size)
	}
	addr, _ := netip.AddrFromSlice(v)
	a.Addr = addr
	return a, true, nil
}
