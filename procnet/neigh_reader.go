package procnet

import (
	"errors"
	"fmt"
	iofs "io/fs"
)

// NeighNetlink is the kernel's rtnetlink as a NeighReader asks it; tests
// put a recording of the kernel in its place.
type NeighNetlink interface {
	NeighTable(Family) (NeighTable, error)
	DumpNeighbours(...Family) (NeighDump, error)
}

// kernelNetlink asks the running kernel, in the network namespace NetNS,
// or the caller's when it is nil.
type kernelNetlink struct{ NetNS *NetNS }

// NeighTable is NeighTableFromNetlink, asked in k's namespace.
func (k kernelNetlink) NeighTable(f Family) (NeighTable, error) {
	return neighTableIn(k.NetNS, f)
}

// DumpNeighbours is the package's DumpNeighbours, of k's namespace.
func (k kernelNetlink) DumpNeighbours(fams ...Family) (NeighDump, error) {
	return dumpNeighboursIn(k.NetNS, fams)
}

// NeighReader reads the neighbour tables, the entries of this network
// namespace and the global table's size, counters and limits, from the
// source it decided on once, and tells which source gave each value.
// Both the arp plugin and check-arp-table read through it.
type NeighReader struct {
	FS FS
	// Live is FS.IsLive(): the root's files describe the kernel that
	// rtnetlink answers for, in the same namespace.
	Live bool
	// Source is SourceNetlink or SourceProcfs: Decision.Used, as decided
	// for the whole run.
	Source Source
	// Decision is the policy's choice (Decide).
	Decision Decision
	// Netlink is nil with SourceProcfs.
	Netlink NeighNetlink
}

// NewNeighReader decides the source by the package's policy (Decide).
func NewNeighReader(fs FS, src Source) NeighReader {
	live := fs.IsLive()
	d := decide(src, live)
	r := NeighReader{FS: fs, Live: live, Source: d.Used, Decision: d}
	if r.Source == SourceNetlink {
		r.Netlink = kernelNetlink{NetNS: fs.NetNS()}
	}
	return r
}

// neighDumpSource names rtnetlink as the source of a neighbour dump.
const neighDumpSource = "rtnetlink RTM_GETNEIGH"

// NeighRows are the entries of this network namespace.
type NeighRows struct {
	// Source is neighDumpSource or the path of net/arp.
	Source string
	// ARP counts the rows of /proc/net/arp, read or computed from the dump
	// with the file's own rule.
	ARP ARPSummary
	// Dump is nil when the rows come from net/arp, which cannot tell the
	// states apart nor show IPv6.
	Dump *NeighDump
	// FellBack is why net/arp was read although auto chose rtnetlink:
	// the dump failed (Decision.fallBack).
	FellBack error
}

// Rows reads this namespace's entries of the families asked for (both
// when none is given; net/arp has IPv4 only).
func (r NeighReader) Rows(fams ...Family) (NeighRows, error) {
	if r.Source != SourceNetlink {
		sum, err := r.FS.CountARP()
		return NeighRows{Source: r.FS.Path(arpFile), ARP: sum}, err
	}
	d, err := r.Netlink.DumpNeighbours(fams...)
	if err != nil {
		dec := r.Decision
		if !dec.fallBack(err) {
			return NeighRows{Source: neighDumpSource}, err
		}
		sum, ferr := r.FS.CountARP()
		return NeighRows{Source: r.FS.Path(arpFile), ARP: sum, FellBack: err}, ferr
	}
	return NeighRows{Source: neighDumpSource, ARP: d.IPv4.Rows, Dump: &d}, nil
}

// NeighTableReading is the global table of one family: its size and
// counters, and its limits, each with its source or its error.
type NeighTableReading struct {
	Stats       NeighCacheStats
	StatsErr    error
	StatsSource string // a path, or NeighTableSource
	// StatsFromNetlink: the counters lack unresolved_discards.
	StatsFromNetlink bool

	Thresh       GCThresh
	ThreshErr    error
	ThreshSource string // the sysctl directory, or NeighTableSource
}

// NeighTableSource names rtnetlink as the source of a global table.
const NeighTableSource = "rtnetlink RTM_GETNEIGHTBL"

// Table reads the global table of family f. With SourceProcfs it reads
// net/stat and the gc_thresh sysctls below the root. With SourceNetlink
// it reads them too when the root is live, since they carry more
// counters, and asks RTM_GETNEIGHTBL for what is missing (a container
// hides them); on a root that is not live it asks rtnetlink only, never
// mixing a tree's files with the running kernel. Only a missing file
// sends it to rtnetlink: a damaged one is an error to report.
func (r NeighReader) Table(f Family) NeighTableReading {
	var t NeighTableReading
	errMissing := fmt.Errorf("%w: %s is not the live procfs, rtnetlink asked instead", iofs.ErrNotExist, r.FS.Root())
	if r.Source == SourceProcfs || r.Live {
		t.Stats, t.StatsErr = r.FS.NeighCacheStats(f)
		t.StatsSource = r.FS.Path(f.statFile())
		t.Thresh, t.ThreshErr = r.FS.GCThresh(f)
		t.ThreshSource = r.FS.Path(f.NeighSysctlDir())
	} else {
		t.StatsErr, t.ThreshErr = errMissing, errMissing
	}
	if r.Source != SourceNetlink {
		return t
	}
	needStats := errors.Is(t.StatsErr, iofs.ErrNotExist)
	needThresh := errors.Is(t.ThreshErr, iofs.ErrNotExist)
	if !needStats && !needThresh {
		return t
	}
	nt, err := r.Netlink.NeighTable(f)
	if needStats {
		switch {
		case err != nil:
			t.StatsErr = fmt.Errorf("%w; %v", t.StatsErr, err)
		case !nt.HasStats:
			t.StatsErr = fmt.Errorf("%w; %s: no statistics in the reply", t.StatsErr, NeighTableSource)
		default:
			t.Stats, t.StatsErr, t.StatsSource, t.StatsFromNetlink = nt.Stats, nil, NeighTableSource, true
		}
	}
	if needThresh {
		if err != nil {
			t.ThreshErr = fmt.Errorf("%w; %v", t.ThreshErr, err)
		} else {
			t.Thresh, t.ThreshErr, t.ThreshSource = nt.Thresh, nil, NeighTableSource
		}
	}
	return t
}
