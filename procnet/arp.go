package procnet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
)

// Flags of a net/arp row (include/uapi/linux/if_arp.h).
const (
	atfCom  = 0x02 // completed entry: the hardware address is valid
	atfPerm = 0x04 // permanent entry
	atfPubl = 0x08 // published (proxy) entry
)

// ARPEntry is one data row of net/arp.
type ARPEntry struct {
	IP     netip.Addr
	HWType uint32
	Flags  uint32
	// HWAddr as printed: lower-case, colon-separated, cut after 9 bytes
	// (InfiniBand), empty for a device without a hardware address.
	HWAddr string
	Mask   string
	Device string // "*" for a proxy entry bound to no device
}

// State classifies the entry by its flags.
func (e ARPEntry) State() ARPState { return stateOf(e.Flags) }

// ARPState is the class of a net/arp row.
type ARPState int

// The classes of net/arp rows, as told by their flags.
const (
	// ARPIncomplete is INCOMPLETE or FAILED: no ATF_COM.
	ARPIncomplete ARPState = iota
	// ARPComplete is REACHABLE, STALE, DELAY, PROBE or NOARP.
	ARPComplete
	// ARPPermanent is a static entry.
	ARPPermanent
	// ARPProxy is a published entry; it lives outside the neighbour table.
	ARPProxy
)

func (s ARPState) String() string {
	switch s {
	case ARPComplete:
		return "complete"
	case ARPPermanent:
		return "permanent"
	case ARPProxy:
		return "proxy"
	default:
		return "incomplete"
	}
}

// stateOf tests the proxy bit first: proxy rows carry ATF_PERM too.
func stateOf(flags uint32) ARPState {
	switch {
	case flags&atfPubl != 0:
		return ARPProxy
	case flags&atfPerm != 0:
		return ARPPermanent
	case flags&atfCom != 0:
		return ARPComplete
	default:
		return ARPIncomplete
	}
}

const arpFile = "net/arp"

// ARPEntries reads every row of net/arp. To count rows on a large table,
// CountARP is far cheaper.
func (fs FS) ARPEntries() ([]ARPEntry, error) {
	var out []ARPEntry
	err := fs.parseFile(arpFile, func(r io.Reader, name string) error {
		return walkARP(r, name, nil, func(row *arpRow) error {
			e := ARPEntry{
				HWType: row.hwType,
				Flags:  row.flags,
				HWAddr: string(row.hwAddr),
				Mask:   string(row.mask),
				Device: string(row.device),
			}
			ip, err := netip.ParseAddr(string(row.ip))
			if err != nil || !ip.Is4() {
				return fmt.Errorf("IP address %.40q", row.ip)
			}
			e.IP = ip
			out = append(out, e)
			return nil
		})
	})
	return out, err
}

// arpRow is one row of net/arp as fields of the scanner's buffer.
type arpRow struct {
	ip, hwAddr, mask, device []byte
	hwType, flags            uint32
}

// walkARP checks the header of net/arp and calls fn for every data row.
// An error from fn is reported against the row's line. When fast is not
// nil it is offered each line first, and the line goes no further when it
// reports that it took it.
func walkARP(r io.Reader, name string, fast func(line []byte) bool, fn func(*arpRow) error) error {
	s := newLineScanner(r, name)
	if !s.next() {
		if err := s.err(); err != nil {
			return err
		}
		return &ParseError{File: name, Err: errors.New("empty file: no header")}
	}
	if !bytes.HasPrefix(s.text(), []byte("IP address")) {
		return s.errorf("not an ARP table header: %.80q", s.text())
	}
	var row arpRow
	for s.nextLine() {
		if fast != nil && fast(s.text()) {
			continue
		}
		s.split()
		f := s.fields
		switch len(f) {
		case 0:
			continue
		case 6:
			row.hwAddr, row.mask, row.device = f[3], f[4], f[5]
		case 5: // a device without a hardware address prints an empty field
			row.hwAddr, row.mask, row.device = nil, f[3], f[4]
		default:
			return s.errorf("%d fields, want 6 (or 5 without a hardware address)", len(f))
		}
		row.ip = f[0]
		t, err := parseBase0(f[1], 32)
		if err != nil {
			return s.errorf("%w", numberError("HW type", f[1], err))
		}
		fl, err := parseBase0(f[2], 32)
		if err != nil {
			return s.errorf("%w", numberError("flags", f[2], err))
		}
		row.hwType, row.flags = uint32(t), uint32(fl)
		if err := fn(&row); err != nil {
			return s.errorf("%w", err)
		}
	}
	return s.err()
}
