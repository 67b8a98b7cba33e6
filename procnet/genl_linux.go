package procnet

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// The generic netlink controller (linux/genetlink.h).
const (
	genlIDCtrl           = 0x10
	ctrlCmdGetFamily     = 3
	ctrlAttrFamilyID     = 1
	ctrlAttrFamilyName   = 2
	ctrlAttrVersion      = 3
	sizeofGenlmsghdr     = 4
	genlCtrlVersion      = 1
	genlRequestAttrsRoom = 128
)

// genlSocket is a NETLINK_GENERIC socket.
type genlSocket struct {
	*nlSocket
	body []byte // the request, reused
}

func openGenl(ns *NetNS) (*genlSocket, error) {
	s, err := openNetlinkIn(ns, unix.NETLINK_GENERIC)
	if err != nil {
		return nil, err
	}
	return &genlSocket{nlSocket: s, body: make([]byte, 0, sizeofGenlmsghdr+genlRequestAttrsRoom)}, nil
}

// message builds the generic netlink request body: genlmsghdr, attrs.
func (g *genlSocket) message(cmd, version uint8, attrs []byte) []byte {
	g.body = append(g.body[:0], cmd, version, 0, 0)
	g.body = append(g.body, attrs...)
	return g.body
}

func (g *genlSocket) family(name string) (id uint16, version uint8, err error) {
	attrs := appendAttr(nil, ctrlAttrFamilyName, append([]byte(name), 0))
	found := false
	err = g.request(genlIDCtrl, g.message(ctrlCmdGetFamily, genlCtrlVersion, attrs), func(typ, _ uint16, body []byte) error {
		if typ != genlIDCtrl || len(body) < sizeofGenlmsghdr {
			return nil
		}
		a := nlAttrs{b: body[sizeofGenlmsghdr:]}
		for a.next() {
			switch a.typ {
			case ctrlAttrFamilyID:
				v, err := attrU16(a.val)
				if err != nil {
					return fmt.Errorf("family id: %w", err)
				}
				id, found = v, true
			case ctrlAttrVersion:
				v, err := attrU32(a.val)
				if err != nil {
					return fmt.Errorf("family version: %w", err)
				}
				version = uint8(v)
			}
		}
		return a.err
	})
	if err == nil && !found {
		err = fmt.Errorf("family %s: no id in the controller's answer", name)
	}
	return id, version, err
}

func (g *genlSocket) dump(family uint16, version, cmd uint8, attrs []byte, fn func(attrs []byte) error) error {
	return g.nlSocket.dump(family, g.message(cmd, version, attrs), func(typ, _ uint16, body []byte) error {
		if typ != family {
			return nil
		}
		if len(body) < sizeofGenlmsghdr {
			return fmt.Errorf("truncated generic netlink header: %d bytes", len(body))
		}
		return fn(body[sizeofGenlmsghdr:])
	})
}

func (g *genlSocket) get(family uint16, version, cmd uint8, attrs []byte, fn func(attrs []byte) error) error {
	return g.nlSocket.request(family, g.message(cmd, version, attrs), func(typ, _ uint16, body []byte) error {
		if typ != family {
			return nil
		}
		if len(body) < sizeofGenlmsghdr {
			return fmt.Errorf("truncated generic netlink header: %d bytes", len(body))
		}
		return fn(body[sizeofGenlmsghdr:])
	})
}
