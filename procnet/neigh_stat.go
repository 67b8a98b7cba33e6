package procnet

import (
	"errors"
	"fmt"
	"io"
)

// NeighCacheStats is net/stat/arp_cache or net/stat/ndisc_cache: the
// global entry count and the counters summed over the CPU rows.
type NeighCacheStats struct {
	// Entries counts the whole neighbour table: every network namespace,
	// permanent entries included. The kernel repeats it on every row.
	Entries            uint64
	Allocs             uint64
	Destroys           uint64
	HashGrows          uint64
	Lookups            uint64
	Hits               uint64
	ResFailed          uint64
	RcvProbesMcast     uint64
	RcvProbesUcast     uint64
	PeriodicGCRuns     uint64
	ForcedGCRuns       uint64
	UnresolvedDiscards uint64
	// TableFulls counts allocations refused because the table was full.
	TableFulls uint64
	// HasTableFulls is false on old kernels whose header lacks table_fulls.
	HasTableFulls bool
	CPURows       int
}

// NeighCacheStats reads the statistics of the family's neighbour table.
// The file exists only in the initial network namespace.
func (fs FS) NeighCacheStats(f Family) (NeighCacheStats, error) {
	var st NeighCacheStats
	err := fs.parseFile(f.statFile(), func(r io.Reader, name string) (err error) {
		st, err = parseNeighCacheStats(r, name)
		return err
	})
	return st, err
}

// neighColumn returns the counter a column header names, or nil for a
// column this package does not know.
func (st *NeighCacheStats) neighColumn(header string) *uint64 {
	switch header {
	case "entries":
		return &st.Entries
	case "allocs":
		return &st.Allocs
	case "destroys":
		return &st.Destroys
	case "hash_grows":
		return &st.HashGrows
	case "lookups":
		return &st.Lookups
	case "hits":
		return &st.Hits
	case "res_failed":
		return &st.ResFailed
	case "rcv_probes_mcast":
		return &st.RcvProbesMcast
	case "rcv_probes_ucast":
		return &st.RcvProbesUcast
	case "periodic_gc_runs":
		return &st.PeriodicGCRuns
	case "forced_gc_runs":
		return &st.ForcedGCRuns
	case "unresolved_discards":
		return &st.UnresolvedDiscards
	case "table_fulls":
		st.HasTableFulls = true
		return &st.TableFulls
	}
	return nil
}

// parseNeighCacheStats parses the net/stat/*_cache format from r by header
// name; name is used in errors.
func parseNeighCacheStats(r io.Reader, name string) (NeighCacheStats, error) {
	var st NeighCacheStats
	s := newLineScanner(r, name)
	if !s.next() {
		if err := s.err(); err != nil {
			return st, err
		}
		return st, &ParseError{File: name, Err: errors.New("empty file: no header")}
	}
	var cols [32]*uint64
	ncols := len(s.fields)
	if ncols > len(cols) {
		return st, s.errorf("%d columns, at most %d expected", ncols, len(cols))
	}
	entriesCol := -1
	for i, h := range s.fields {
		if string(h) == "entries" {
			entriesCol = i
			continue
		}
		cols[i] = st.neighColumn(string(h))
	}
	if entriesCol < 0 {
		return st, s.errorf("no entries column in header %.80q", s.text())
	}
	for s.next() {
		f := s.fields
		if len(f) == 0 {
			continue
		}
		if len(f) != ncols {
			return st, s.errorf("%d values, header has %d columns", len(f), ncols)
		}
		for i, b := range f {
			v, err := parseHex(b, 64)
			if err != nil {
				return st, s.errorf("%w", numberError("column "+fmt.Sprint(i+1), b, err))
			}
			if i == entriesCol {
				if st.CPURows == 0 {
					st.Entries = v
				}
				continue
			}
			if cols[i] != nil {
				*cols[i] += v
			}
		}
		st.CPURows++
	}
	if err := s.err(); err != nil {
		return st, err
	}
	if st.CPURows == 0 {
		return st, &ParseError{File: name, Err: errors.New("header only: no CPU rows")}
	}
	return st, nil
}
