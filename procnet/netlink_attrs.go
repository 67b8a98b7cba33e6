package procnet

import (
	"encoding/binary"
	"fmt"
)

// The layout of netlink messages and attributes (linux/netlink.h), here
// so that the decoders build on every system.
const (
	nlmsgAlignTo   = 4
	sizeofNlAttr   = 4
	nlaFNested     = 0x8000
	nlaFNetOrder   = 0x4000
	nlaTypeMask    = ^uint16(nlaFNested | nlaFNetOrder)
	linuxAFInet    = 2  // AF_INET on Linux
	linuxAFInet6   = 10 // AF_INET6 on Linux
	linuxAFNetlink = 16 // AF_NETLINK on Linux
)

func nlmAlign(n int) int { return (n + nlmsgAlignTo - 1) &^ (nlmsgAlignTo - 1) }

// nlAttrs walks the attributes of a netlink message body: for a.next() {
// a.typ, a.val }; a.err tells a malformed attribute from the end.
type nlAttrs struct {
	b   []byte
	typ uint16
	val []byte
	err error
}

func (a *nlAttrs) next() bool {
	if len(a.b) < sizeofNlAttr || a.err != nil {
		return false
	}
	ne := binary.NativeEndian
	l := int(ne.Uint16(a.b[0:2]))
	a.typ = ne.Uint16(a.b[2:4]) & nlaTypeMask
	if l < sizeofNlAttr || l > len(a.b) {
		a.err = fmt.Errorf("malformed attribute %d: length %d of %d bytes", a.typ, l, len(a.b))
		return false
	}
	a.val = a.b[sizeofNlAttr:l]
	if next := nlmAlign(l); next < len(a.b) {
		a.b = a.b[next:]
	} else {
		a.b = nil
	}
	return true
}

// The values of attributes: a value too short for its type is an error,
// never a panic.
func attrU16(v []byte) (uint16, error) {
	if len(v) < 2 {
		return 0, fmt.Errorf("%d bytes, want 2", len(v))
	}
	return binary.NativeEndian.Uint16(v), nil
}

func attrU32(v []byte) (uint32, error) {
	if len(v) < 4 {
		return 0, fmt.Errorf("%d bytes, want 4", len(v))
	}
	return binary.NativeEndian.Uint32(v), nil
}

func attrU64(v []byte) (uint64, error) {
	if len(v) < 8 {
		return 0, fmt.Errorf("%d bytes, want 8", len(v))
	}
	return binary.NativeEndian.Uint64(v), nil
}

func attrBE16(v []byte) (uint16, error) {
	if len(v) < 2 {
		return 0, fmt.Errorf("%d bytes, want 2", len(v))
	}
	return binary.BigEndian.Uint16(v), nil
}

func attrBE32(v []byte) (uint32, error) {
	if len(v) < 4 {
		return 0, fmt.Errorf("%d bytes, want 4", len(v))
	}
	return binary.BigEndian.Uint32(v), nil
}

// appendAttr appends an attribute of type typ and value v, padded.
func appendAttr(b []byte, typ uint16, v []byte) []byte {
	l := sizeofNlAttr + len(v)
	b = binary.NativeEndian.AppendUint16(b, uint16(l))
	b = binary.NativeEndian.AppendUint16(b, typ)
	b = append(b, v...)
	for range nlmAlign(l) - l {
		b = append(b, 0)
	}
	return b
}

func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
