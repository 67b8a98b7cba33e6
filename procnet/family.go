package procnet

import "fmt"

// Family selects the IPv4 (ARP) or IPv6 (NDISC) neighbour table.
type Family int

// The neighbour table families.
const (
	Inet Family = iota
	Inet6
)

func (f Family) String() string {
	if f == Inet6 {
		return "inet6"
	}
	return "inet"
}

// ParseFamily accepts inet, ipv4, 4, inet6, ipv6 and 6.
func ParseFamily(s string) (Family, error) {
	switch s {
	case "inet", "ipv4", "4":
		return Inet, nil
	case "inet6", "ipv6", "6":
		return Inet6, nil
	}
	return Inet, fmt.Errorf("unknown family %q (want inet or inet6)", s)
}

// NeighSysctlDir is the family's directory of neighbour sysctls below the
// procfs root, where gc_thresh1-3 are.
func (f Family) NeighSysctlDir() string {
	if f == Inet6 {
		return "sys/net/ipv6/neigh/default"
	}
	return "sys/net/ipv4/neigh/default"
}

// StatFile is the family's neighbour-cache statistics file below the
// procfs root.
func (f Family) StatFile() string {
	if f == Inet6 {
		return "net/stat/ndisc_cache"
	}
	return "net/stat/arp_cache"
}
