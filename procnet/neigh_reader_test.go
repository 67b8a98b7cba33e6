package procnet

import (
	"errors"
	"testing"
)

// The source is decided by what the root is: auto means rtnetlink on the
// live procfs only, and an explicit choice is kept.
func TestNewNeighReaderDecides(t *testing.T) {
	tree := "../testdata/lvs-director"
	for _, tt := range []struct {
		root    string
		src     Source
		want    Source
		netlink bool
	}{
		{"/proc", SourceAuto, SourceNetlink, true},
		{"/proc/", SourceAuto, SourceNetlink, true},
		{tree, SourceAuto, SourceProcfs, false},
		{"/proc/1", SourceAuto, SourceProcfs, false},
		{"/proc", SourceProcfs, SourceProcfs, false},
		{tree, SourceNetlink, SourceNetlink, true},
	} {
		r := NewNeighReader(NewFS(tt.root), tt.src)
		if r.Source != tt.want || (r.Netlink != nil) != tt.netlink {
			t.Errorf("%s %v: source %v, netlink %v; want %v, %v", tt.root, tt.src, r.Source, r.Netlink != nil, tt.want, tt.netlink)
		}
	}
}

// -source procfs on a tree reads its files only; -source netlink on a
// tree that is not live never mixes the tree's files in.
func TestTableNeverMixesTreeAndKernel(t *testing.T) {
	tree := NewFS("../testdata/lvs-director")
	r := NewNeighReader(tree, SourceProcfs)
	tb := r.Table(Inet)
	if tb.StatsErr != nil || tb.StatsSource != tree.Path("net/stat/arp_cache") || tb.StatsFromNetlink {
		t.Errorf("procfs: %+v", tb)
	}
	r = NeighReader{FS: tree, Source: SourceNetlink, Netlink: fakeTable{}}
	tb = r.Table(Inet)
	if tb.StatsErr != nil || tb.StatsSource != NeighTableSource || !tb.StatsFromNetlink || tb.Stats.Entries != 42 || tb.ThreshSource != NeighTableSource {
		t.Errorf("netlink on a tree: %+v", tb)
	}
}

type fakeTable struct{}

func (fakeTable) NeighTable(Family) (NeighTable, error) {
	return NeighTable{HasStats: true, Stats: NeighCacheStats{Entries: 42}, Thresh: GCThresh{Thresh3: 7}}, nil
}

func (fakeTable) DumpNeighbours(...Family) (NeighDump, error) { return NeighDump{}, nil }

type failingDump struct{ fakeTable }

func (failingDump) DumpNeighbours(...Family) (NeighDump, error) {
	return NeighDump{}, errors.New("netlink: permission denied")
}

// A failed dump falls back to net/arp under auto, by the same policy as
// the IPVS table, and is the error under netlink.
func TestRowsFallBack(t *testing.T) {
	tree := NewFS("../testdata/lvs-director")
	for _, tt := range []struct {
		asked    Source
		fellBack bool
	}{
		{SourceAuto, true},
		{SourceNetlink, false},
	} {
		d := decide(tt.asked, true)
		r := NeighReader{FS: tree, Live: true, Source: d.Used, Decision: d, Netlink: failingDump{}}
		rows, err := r.Rows()
		switch {
		case tt.fellBack && (err != nil || rows.FellBack == nil || rows.Source != tree.Path("net/arp") || rows.ARP.Total() == 0):
			t.Errorf("%v: rows %+v, err %v; want net/arp with the cause", tt.asked, rows, err)
		case !tt.fellBack && err == nil:
			t.Errorf("%v: rows %+v without an error", tt.asked, rows)
		}
	}
}
