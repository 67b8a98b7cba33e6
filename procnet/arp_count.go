package procnet

import "io"

// ARPCounts counts the rows of one class each.
type ARPCounts struct {
	Complete   uint64
	Incomplete uint64 // INCOMPLETE or FAILED
	Permanent  uint64
	Proxy      uint64
}

// Total is the number of rows counted.
func (c ARPCounts) Total() uint64 { return c.Complete + c.Incomplete + c.Permanent + c.Proxy }

func (c *ARPCounts) add(s ARPState) {
	switch s {
	case ARPComplete:
		c.Complete++
	case ARPPermanent:
		c.Permanent++
	case ARPProxy:
		c.Proxy++
	default:
		c.Incomplete++
	}
}

// ARPSummary is the result of the counting pass over net/arp.
type ARPSummary struct {
	ARPCounts
	// PerDevice counts rows per device name; proxy rows bound to no device
	// are under "*".
	PerDevice map[string]*ARPCounts
}

// CountARP counts the rows of net/arp by class and device without keeping
// them: it allocates per device, not per row.
func (fs FS) CountARP() (ARPSummary, error) {
	var sum ARPSummary
	err := fs.parseFile(arpFile, func(r io.Reader, name string) (err error) {
		sum, err = parseARPCounts(r, name)
		return err
	})
	return sum, err
}

// parseARPCounts runs the counting pass over the net/arp format from r;
// name is used in errors.
func parseARPCounts(r io.Reader, name string) (ARPSummary, error) {
	sum := ARPSummary{PerDevice: make(map[string]*ARPCounts, 8)}
	// Rows interleave a few devices in hash order. A small direct-mapped
	// cache, indexed by the name's length, first and last bytes, finds
	// most rows' counts without hashing the name for the map. Its slots keep copies
	// of the names in buffers that are reused, so it allocates per slot,
	// not per row.
	var cache [32]struct {
		dev []byte
		c   *ARPCounts
	}
	count := func(flags uint32, d []byte) {
		st := stateOf(flags)
		sum.add(st)
		slot := &cache[0]
		if len(d) > 0 {
			slot = &cache[(len(d)*5+int(d[0])*3+int(d[len(d)-1]))&31]
		}
		if slot.c == nil || string(slot.dev) != string(d) {
			dc := sum.PerDevice[string(d)]
			if dc == nil {
				dc = &ARPCounts{}
				sum.PerDevice[string(d)] = dc
			}
			slot.c, slot.dev = dc, append(slot.dev[:0], d...)
		}
		slot.c.add(st)
	}
	fast := func(line []byte) bool {
		flags, dev, ok := quickARPRow(line)
		if ok {
			count(flags, dev)
		}
		return ok
	}
	err := walkARP(r, name, fast, func(row *arpRow) error {
		if !isIPv4Text(row.ip) {
			return numberError("IP address", row.ip, errNumberSyntax)
		}
		count(row.flags, row.device)
		return nil
	})
	return sum, err
}

// isIPv4Text reports whether b is a dotted-quad IPv4 address in the
// canonical form: four decimal parts of 0..255 without leading zeros.
func isIPv4Text(b []byte) bool {
	parts, digits, val := 0, 0, 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == '.' {
			if digits == 0 || val > 255 {
				return false
			}
			parts++
			digits, val = 0, 0
			continue
		}
		c := b[i]
		// A leading zero is refused, as netip.ParseAddr (the full parse)
		// refuses it: the kernel's %pI4 never prints one.
		if c < '0' || c > '9' || digits == 3 || (digits == 1 && val == 0) {
			return false
		}
		val = val*10 + int(c-'0')
		digits++
	}
	return parts == 4
}
