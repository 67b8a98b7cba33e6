// Package procnet reads the kernel sources that the plugins of this
// repository need: IPVS services and statistics (net/ip_vs* or generic
// netlink), the ARP and neighbour tables (net/arp or rtnetlink), the
// neighbour-cache statistics and the neighbour table thresholds, the
// IPVS defense sysctls (sys/net/ipv4/vs) and the addresses of a
// namespace's interfaces (rtnetlink RTM_GETADDR).
//
// The /proc readers are methods of FS, which is rooted at a procfs root so
// that tests point it at a fixture tree; each has a parse function over an
// io.Reader and, where a plugin reads a file by path (-target), a *File
// function. Where a table has both a file and a netlink view, one policy
// (Decide) chooses the source once, by the same rules for every table, and
// says which it used: OpenIPVS gives the IPVS table, NewNeighReader the
// neighbour tables. The netlink readers run on one socket helper with one
// deadline rule (netlink_socket_linux.go). OpenFS and DialIPVSIn read
// another network namespace than the caller's; NetNS is the one place
// that enters one. Parsers stream through one reused buffer and return
// typed values; a malformed line gives a *ParseError naming the file and
// the line, and a missing file gives an error that wraps fs.ErrNotExist.
// Outside Linux the package builds, and its netlink and namespace readers
// say at run time that they need Linux. The package knows nothing of
// Mackerel, flags or exit codes.
package procnet
