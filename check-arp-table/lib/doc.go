// Package checkarptable is the check-arp-table plugin: it alerts before
// the kernel's neighbour table (IPv4 ARP or IPv6 ndisc) reaches
// gc_thresh3, the limit at which new entries are refused, and when the
// table overflowed since the last run. It takes the count and the limit
// from the cheapest source that has them (net/stat and the sysctls, or
// rtnetlink inside a namespace that hides them), and only at the warning
// level reads the table itself to leave out the entries the kernel does
// not count against the limit. The overflow counter's last value is kept
// in a state file, per family and boot.
package checkarptable
