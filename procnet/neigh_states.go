package procnet

// NeighState is the NUD state of a neighbour entry, as `ip neigh` names it.
type NeighState uint8

// The NUD states, in the order the metric plugin prints them.
const (
	NeighReachable NeighState = iota
	NeighStale
	NeighDelay
	NeighProbe
	NeighIncomplete
	NeighFailed
	NeighPermanent
	NeighNoARP
	// NeighNone is NUD_NONE: an entry just created, not yet resolving.
	// `ip neigh show nud all` lists it; /proc/net/arp does not.
	NeighNone
	NumNeighStates
)

var neighStateNames = [NumNeighStates]string{"reachable", "stale", "delay", "probe", "incomplete", "failed", "permanent", "noarp", "none"}

func (s NeighState) String() string {
	if s < NumNeighStates {
		return neighStateNames[s]
	}
	return "unknown"
}

// NUD state bits of ndm_state (include/uapi/linux/neighbour.h).
const (
	nudIncomplete = 0x01
	nudReachable  = 0x02
	nudStale      = 0x04
	nudDelay      = 0x08
	nudProbe      = 0x10
	nudFailed     = 0x20
	nudNoARP      = 0x40
	nudPermanent  = 0x80
	nudValid      = nudPermanent | nudNoARP | nudReachable | nudProbe | nudStale | nudDelay
)

// Flags of ndm_flags.
const (
	ntfProxy      = 0x08
	ntfExtLearned = 0x10
)

// neighStateOf names ndm_state. The kernel sets one bit; should it set
// several, the first of permanent, noarp, reachable, delay, probe, stale,
// failed, incomplete wins, so that every entry is counted exactly once.
func neighStateOf(nud uint16) NeighState {
	switch {
	case nud&nudPermanent != 0:
		return NeighPermanent
	case nud&nudNoARP != 0:
		return NeighNoARP
	case nud&nudReachable != 0:
		return NeighReachable
	case nud&nudDelay != 0:
		return NeighDelay
	case nud&nudProbe != 0:
		return NeighProbe
	case nud&nudStale != 0:
		return NeighStale
	case nud&nudFailed != 0:
		return NeighFailed
	case nud&nudIncomplete != 0:
		return NeighIncomplete
	}
	return NeighNone
}

// arpRowOf is the class of the row /proc/net/arp prints for a neighbour
// entry in state nud, and whether it prints one at all. It follows
// net/ipv4/arp.c: the iterator skips entries whose state has no bit but
// NUD_NOARP (NEIGH_SEQ_SKIP_NOARP, so NONE and pure NOARP entries are
// hidden), and arp_state_to_flags gives ATF_PERM|ATF_COM for
// NUD_PERMANENT, ATF_COM for any other NUD_VALID state, else 0.
func arpRowOf(nud uint16) (ARPState, bool) {
	if nud&^nudNoARP == 0 {
		return 0, false
	}
	switch {
	case nud&nudPermanent != 0:
		return ARPPermanent, true
	case nud&nudValid != 0:
		return ARPComplete, true
	}
	return ARPIncomplete, true
}

// NeighCounts is what a dump of one family's neighbour table in this
// network namespace counted.
type NeighCounts struct {
	// States counts the neighbour entries (not the proxy entries) by state.
	States [NumNeighStates]uint64
	// Proxy counts the proxy (published) entries, which live in a table
	// of their own and never count against gc_thresh3.
	Proxy uint64
	// ExtLearned counts entries flagged NTF_EXT_LEARNED (added by a
	// switchdev driver or an EVPN control plane).
	ExtLearned uint64
	// GCExempt counts the entries that Linux 5.0 and newer leave out of
	// the count compared with gc_thresh3: permanent or externally
	// learned ones (each counted once).
	GCExempt uint64
	// Rows classifies the entries as /proc/net/arp lists them, per
	// device: NONE and pure NOARP entries left out, proxy entries on
	// device "*" when bound to none. For IPv6 the same rule is applied to
	// the NDISC table, which has no such file.
	Rows ARPSummary
}

// Entries is the number of neighbour entries, proxies not included.
func (c *NeighCounts) Entries() uint64 {
	var n uint64
	for _, v := range c.States {
		n += v
	}
	return n
}

// NeighDump is a dump of the neighbour tables of this network namespace.
type NeighDump struct {
	IPv4, IPv6 NeighCounts
}

// Family returns the counts of family f.
func (d *NeighDump) Family(f Family) *NeighCounts {
	return [...]*NeighCounts{Inet: &d.IPv4, Inet6: &d.IPv6}[f.known()]
}
