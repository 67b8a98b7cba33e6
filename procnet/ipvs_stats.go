package procnet

import (
	"fmt"
	"io"
)

// IPVSCounters is one row of the IPVS statistics: connections, packets and
// bytes in and out. In a rates row the values are per second.
type IPVSCounters struct {
	Conns      uint64
	InPackets  uint64
	OutPackets uint64
	InBytes    uint64
	OutBytes   uint64
}

// IPVSStats is net/ip_vs_stats: totals since the module was loaded (or
// zeroed by ipvsadm -Z) and the kernel's own rate estimates.
type IPVSStats struct {
	Totals IPVSCounters
	Rates  IPVSCounters
}

const ipvsStatsFile = "net/ip_vs_stats"

// IPVSStats reads net/ip_vs_stats.
func (fs FS) IPVSStats() (IPVSStats, error) {
	var st IPVSStats
	err := fs.parseFile(ipvsStatsFile, func(r io.Reader, name string) (err error) {
		st, err = parseIPVSStats(r, name)
		return err
	})
	return st, err
}

// parseIPVSStats parses the net/ip_vs_stats format from r; name is used in
// errors. The two value rows are the first and second lines that consist
// of five hex numbers.
func parseIPVSStats(r io.Reader, name string) (IPVSStats, error) {
	var st IPVSStats
	s := newLineScanner(r, name)
	rows := 0
	for s.next() {
		f := s.fields
		if len(f) == 0 || isIPVSStatsHeading(f[0]) {
			continue
		}
		if rows == 2 {
			return st, s.errorf("unexpected third row of values")
		}
		dst := &st.Totals
		if rows == 1 {
			dst = &st.Rates
		}
		if err := parseIPVSCounters(f, dst); err != nil {
			return st, s.errorf("%w", err)
		}
		rows++
	}
	if err := s.err(); err != nil {
		return st, err
	}
	if rows != 2 {
		return st, &ParseError{File: name, Err: fmt.Errorf("found %d rows of values, want 2", rows)}
	}
	return st, nil
}

// parseIPVSCounters parses five hex fields: conns, packets in and out,
// bytes in and out.
func parseIPVSCounters(f [][]byte, dst *IPVSCounters) error {
	if len(f) != 5 {
		return fmt.Errorf("%d values, want 5", len(f))
	}
	names := [5]string{"conns", "incoming packets", "outgoing packets", "incoming bytes", "outgoing bytes"}
	vals := [5]*uint64{&dst.Conns, &dst.InPackets, &dst.OutPackets, &dst.InBytes, &dst.OutBytes}
	for i, b := range f {
		v, err := parseHex(b, 64)
		if err != nil {
			return numberError(names[i], b, err)
		}
		*vals[i] = v
	}
	return nil
}

// isIPVSStatsHeading reports whether a line starting with first is one of
// the column headings of ip_vs_stats and ip_vs_stats_percpu. Every other
// non-blank line must be a row of values: a damaged row is an error, not
// a line to skip.
func isIPVSStatsHeading(first []byte) bool {
	switch string(first) {
	case "Total", "CPU", "Conns", "Conns/s":
		return true
	}
	return false
}
