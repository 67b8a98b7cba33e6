package procnet

import (
	"fmt"
	"io"
)

// IPVSCPUStats is the row of one CPU in net/ip_vs_stats_percpu.
type IPVSCPUStats struct {
	CPU      uint32 // decoded from the hex id the kernel prints
	Counters IPVSCounters
}

// IPVSStatsPerCPU is net/ip_vs_stats_percpu: one row per possible CPU (ids
// may be sparse), the "~" total row and the rates.
type IPVSStatsPerCPU struct {
	CPUs  []IPVSCPUStats
	Total IPVSCounters
	Rates IPVSCounters
}

const ipvsStatsPerCPUFile = "net/ip_vs_stats_percpu"

// IPVSStatsPerCPU reads net/ip_vs_stats_percpu.
func (fs FS) IPVSStatsPerCPU() (IPVSStatsPerCPU, error) {
	var st IPVSStatsPerCPU
	err := fs.parseFile(ipvsStatsPerCPUFile, func(r io.Reader, name string) (err error) {
		st, err = parseIPVSStatsPerCPU(r, name)
		return err
	})
	return st, err
}

// parseIPVSStatsPerCPU parses the net/ip_vs_stats_percpu format from r;
// name is used in errors. Rows of six fields are CPU rows (a hex id, or
// "~" for the total); the first row of five values after the total is
// the rates row.
func parseIPVSStatsPerCPU(r io.Reader, name string) (IPVSStatsPerCPU, error) {
	var st IPVSStatsPerCPU
	s := newLineScanner(r, name)
	haveTotal, haveRates := false, false
	for s.next() {
		f := s.fields
		switch {
		case len(f) == 0 || isIPVSStatsHeading(f[0]):
			continue
		case haveRates:
			return st, s.errorf("unexpected row after the rates")
		case len(f) == 6 && string(f[0]) == "~":
			if haveTotal {
				return st, s.errorf("second total row")
			}
			if err := parseIPVSCounters(f[1:], &st.Total); err != nil {
				return st, s.errorf("total: %w", err)
			}
			haveTotal = true
		case len(f) == 6:
			if haveTotal {
				return st, s.errorf("CPU row after the total row")
			}
			id, err := parseHex(f[0], 32)
			if err != nil {
				return st, s.errorf("%w", numberError("CPU id", f[0], err))
			}
			for _, c := range st.CPUs {
				if c.CPU == uint32(id) {
					return st, s.errorf("CPU %d listed twice", id)
				}
			}
			row := IPVSCPUStats{CPU: uint32(id)}
			if err := parseIPVSCounters(f[1:], &row.Counters); err != nil {
				return st, s.errorf("CPU %d: %w", id, err)
			}
			st.CPUs = append(st.CPUs, row)
		case len(f) == 5 && haveTotal:
			if err := parseIPVSCounters(f, &st.Rates); err != nil {
				return st, s.errorf("rates: %w", err)
			}
			haveRates = true
		default:
			return st, s.errorf("%d fields, want 6 for a CPU row or 5 for the rates", len(f))
		}
	}
	if err := s.err(); err != nil {
		return st, err
	}
	if !haveTotal || !haveRates {
		return st, &ParseError{File: name, Err: fmt.Errorf("incomplete: total row found %v, rates found %v", haveTotal, haveRates)}
	}
	return st, nil
}
