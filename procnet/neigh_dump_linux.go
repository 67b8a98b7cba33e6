package procnet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
)

// maxDumpAttempts bounds the dumps started again because the table
// changed under them (NLM_F_DUMP_INTR).
const maxDumpAttempts = 4

// sizeofNdmsg is struct ndmsg: family u8, pad u8, pad u16, ifindex s32,
// state u16, flags u8, type u8.
const sizeofNdmsg = 12

// rtDumper is what a neighbour dump needs of a NETLINK_ROUTE socket.
type rtDumper interface {
	dump(typ uint16, body []byte, fn func(typ, flags uint16, body []byte) error) error
	ifName(index int32) (string, error)
}

// dumpNeighboursIn counts the neighbour entries of the network namespace
// ns (nil: the caller's) of the given families (both when none is given),
// proxy entries included, by state and device, with one RTM_GETNEIGH dump of the entries and one
// of the proxy entries. It allocates per device, not per entry. A dump
// the kernel marks as interrupted by a change of the table is started
// again; after a few interruptions in a row it gives up with an error
// rather than return half-counted numbers.
func dumpNeighboursIn(ns *NetNS, fams []Family) (NeighDump, error) {
	s, err := openNetlinkIn(ns, unix.NETLINK_ROUTE)
	if err != nil {
		return NeighDump{}, fmt.Errorf("%s: %w", neighDumpSource, err)
	}
	defer s.Close()
	d, err := dumpNeighbours(s, fams)
	if err != nil {
		return d, fmt.Errorf("%s: %w", neighDumpSource, err)
	}
	return d, nil
}

func dumpNeighbours(d rtDumper, fams []Family) (NeighDump, error) {
	var family uint8 // AF_UNSPEC: every table
	if len(fams) == 1 {
		family = fams[0].addressFamily()
	}
	var c neighCounter
	for attempt := 1; ; attempt++ {
		c.reset()
		for _, ndmFlags := range [2]uint8{0, ntfProxy} {
			req := [sizeofNdmsg]byte{0: family, 10: ndmFlags}
			if err := d.dump(unix.RTM_GETNEIGH, req[:], c.message); err != nil {
				return NeighDump{}, err
			}
		}
		if !c.intr {
			break
		}
		if attempt == maxDumpAttempts {
			return NeighDump{}, fmt.Errorf("dump interrupted by changes of the table %d times in a row", attempt)
		}
	}
	return c.finish(d)
}

// neighCounter counts the messages of a dump as they stream by.
type neighCounter struct {
	dump NeighDump
	devs []devCounts
	last int // index into devs of the previous message's device
	intr bool
}

type devCounts struct {
	v6      bool
	ifindex int32
	c       ARPCounts
}

func (c *neighCounter) reset() {
	c.dump = NeighDump{}
	c.devs = c.devs[:0]
	c.last = 0
	c.intr = false
}

// message counts one message of the dump.
func (c *neighCounter) message(typ, flags uint16, body []byte) error {
	if flags&unix.NLM_F_DUMP_INTR != 0 {
		c.intr = true
	}
	if typ != unix.RTM_NEWNEIGH {
		return nil
	}
	if len(body) < sizeofNdmsg {
		return fmt.Errorf("truncated ndmsg: %d bytes, want %d", len(body), sizeofNdmsg)
	}
	var fc *NeighCounts
	v6 := false
	switch body[0] {
	case unix.AF_INET:
		fc = &c.dump.IPv4
	case unix.AF_INET6:
		fc, v6 = &c.dump.IPv6, true
	default:
		return nil // another table's entry (AF_BRIDGE fdb and the like)
	}
	ne := binary.NativeEndian
	ifindex := int32(ne.Uint32(body[4:8]))
	nud := ne.Uint16(body[8:10])
	ndmFlags := body[10]

	var row ARPState
	if ndmFlags&ntfProxy != 0 {
		fc.Proxy++
		row = ARPProxy
	} else {
		fc.States[neighStateOf(nud)]++
		ext := ndmFlags&ntfExtLearned != 0
		if ext {
			fc.ExtLearned++
		}
		if ext || nud&nudPermanent != 0 {
			fc.GCExempt++
		}
		var shown bool
		if row, shown = arpRowOf(nud); !shown {
			return nil
		}
	}
	c.device(v6, ifindex).add(row)
	return nil
}

// device finds the counts of a device. A table interleaves a few devices,
// so a look at the previous one and a linear search are enough.
func (c *neighCounter) device(v6 bool, ifindex int32) *ARPCounts {
	if c.last < len(c.devs) {
		if d := &c.devs[c.last]; d.ifindex == ifindex && d.v6 == v6 {
			return &d.c
		}
	}
	for i := range c.devs {
		if d := &c.devs[i]; d.ifindex == ifindex && d.v6 == v6 {
			c.last = i
			return &d.c
		}
	}
	c.devs = append(c.devs, devCounts{v6: v6, ifindex: ifindex})
	c.last = len(c.devs) - 1
	return &c.devs[c.last].c
}

// finish names the devices and fills in the rows per device.
func (c *neighCounter) finish(d rtDumper) (NeighDump, error) {
	out := c.dump
	for _, fc := range []*NeighCounts{&out.IPv4, &out.IPv6} {
		fc.Rows.PerDevice = make(map[string]*ARPCounts, 4)
	}
	names := make(map[int32]string, 4)
	for _, dc := range c.devs {
		name, ok := names[dc.ifindex]
		if !ok {
			var err error
			if name, err = deviceName(d, dc.ifindex); err != nil {
				return NeighDump{}, err
			}
			names[dc.ifindex] = name
		}
		fc := &out.IPv4
		if dc.v6 {
			fc = &out.IPv6
		}
		fc.Rows.Complete += dc.c.Complete
		fc.Rows.Incomplete += dc.c.Incomplete
		fc.Rows.Permanent += dc.c.Permanent
		fc.Rows.Proxy += dc.c.Proxy
		dev := fc.Rows.PerDevice[name]
		if dev == nil {
			dev = &ARPCounts{}
			fc.Rows.PerDevice[name] = dev
		}
		dev.Complete += dc.c.Complete
		dev.Incomplete += dc.c.Incomplete
		dev.Permanent += dc.c.Permanent
		dev.Proxy += dc.c.Proxy
	}
	return out, nil
}

// deviceName is the name /proc/net/arp prints for a device: "*" for a
// proxy entry bound to none. A device deleted since the dump is named
// after its index, as its entries are gone too by now.
func deviceName(d rtDumper, ifindex int32) (string, error) {
	if ifindex == 0 {
		return "*", nil
	}
	name, err := d.ifName(ifindex)
	if errors.Is(err, unix.ENODEV) {
		return "ifindex" + strconv.Itoa(int(ifindex)), nil
	}
	if err != nil {
		return "", fmt.Errorf("name of interface %d: %w", ifindex, err)
	}
	return name, nil
}

// ifName asks for a device's name with SIOCGIFNAME, in the network
// namespace of the socket.
func (s *nlSocket) ifName(index int32) (string, error) {
	ifr, err := unix.NewIfreq("")
	if err != nil {
		return "", err
	}
	ifr.SetUint32(uint32(index))
	if err := unix.IoctlIfreq(s.fd, unix.SIOCGIFNAME, ifr); err != nil {
		return "", err
	}
	return ifr.Name(), nil
}
