package procnet

import "fmt"

// Family selects the IPv4 (ARP) or IPv6 (NDISC) neighbour table.
type Family int

// The neighbour table families.
const (
	Inet Family = iota
	Inet6
)

// familyFacts is what the kernel names and files differ in per family.
type familyFacts struct {
	name      string // as ip(8) spells it
	ip        string // "ipv4", as sysctl paths and our metric keys spell it
	table     string // the kernel's neighbour table
	rowsFile  string // the /proc file listing the table's rows, if any
	sysctlDir string
	statFile  string
}

var families = [...]familyFacts{
	Inet:  {name: "inet", ip: "ipv4", table: "arp_cache", rowsFile: arpFile, sysctlDir: "sys/net/ipv4/neigh/default", statFile: "net/stat/arp_cache"},
	Inet6: {name: "inet6", ip: "ipv6", table: "ndisc_cache", sysctlDir: "sys/net/ipv6/neigh/default", statFile: "net/stat/ndisc_cache"},
}

// known is f, or Inet for a value outside the constants.
func (f Family) known() Family {
	if f == Inet6 {
		return Inet6
	}
	return Inet
}

func (f Family) facts() familyFacts { return families[f.known()] }

func (f Family) String() string { return f.facts().name }

// IP is "ipv4" or "ipv6".
func (f Family) IP() string { return f.facts().ip }

// TableName is the kernel's name of the family's neighbour table:
// arp_cache or ndisc_cache.
func (f Family) TableName() string { return f.facts().table }

// RowsFile is the file below the procfs root that lists the table's rows
// of this network namespace: net/arp for IPv4; IPv6 has none (ok false).
func (f Family) RowsFile() (path string, ok bool) {
	p := f.facts().rowsFile
	return p, p != ""
}

// NeighSysctlDir is the family's directory of neighbour sysctls below the
// procfs root, where gc_thresh1-3 are.
func (f Family) NeighSysctlDir() string { return f.facts().sysctlDir }

// statFile is the family's neighbour-cache statistics file below the
// procfs root.
func (f Family) statFile() string { return f.facts().statFile }

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
