package procnet

import (
	"strings"
	"testing"
)

func TestNeighCacheStatsHeaderGenerations(t *testing.T) {
	tests := []struct {
		name   string
		root   string
		family Family
		want   NeighCacheStats
	}{
		{"5.15+ spacing", "../testdata/lvs-director", Inet, NeighCacheStats{
			Entries: 6, Allocs: 0xe, Destroys: 0x15, HashGrows: 2, Lookups: 0x15, Hits: 1,
			PeriodicGCRuns: 8, HasTableFulls: true, CPURows: 2}},
		{"ndisc_cache", "../testdata/lvs-director", Inet6, NeighCacheStats{
			Entries: 3, Allocs: 4, Destroys: 1, HashGrows: 1, Lookups: 0x23, Hits: 0x1b,
			PeriodicGCRuns: 3, HasTableFulls: true, CPURows: 2}},
		{"pre-5.15 spacing", "../testdata/arp-cache-old-header", Inet, NeighCacheStats{
			Entries: 0x1f4, Allocs: 0x310, Destroys: 0x110, HashGrows: 1, Lookups: 0x5100, Hits: 0x4080,
			ResFailed: 2, PeriodicGCRuns: 0x41, ForcedGCRuns: 4, UnresolvedDiscards: 7, TableFulls: 5,
			HasTableFulls: true, CPURows: 2}},
		{"no table_fulls column", "../testdata/arp-cache-no-table-fulls", Inet, NeighCacheStats{
			Entries: 0x40, Allocs: 0x51, Destroys: 0x10, HashGrows: 0, Lookups: 0x901, Hits: 0x801,
			ResFailed: 1, PeriodicGCRuns: 9, ForcedGCRuns: 2, CPURows: 2}},
		{"table full", "../testdata/arp-mixed-states", Inet, NeighCacheStats{
			Entries: 7, Allocs: 0x22, Destroys: 0x19, Lookups: 0x110, Hits: 0xf8, ResFailed: 3,
			PeriodicGCRuns: 0x11, ForcedGCRuns: 3, UnresolvedDiscards: 4, TableFulls: 1,
			HasTableFulls: true, CPURows: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewFS(tt.root).NeighCacheStats(tt.family)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestNeighCacheStatsErrors(t *testing.T) {
	tests := []struct{ name, in, msg string }{
		{"empty", "", "empty file"},
		{"header only", "entries  allocs\n", "header only"},
		{"no entries column", "allocs destroys\n00000001 00000002\n", "no entries column"},
		{"short row", "entries  allocs\n00000001\n", "f:2: 1 values"},
		{"garbage", "entries  allocs\n00000001 0000z001\n", "column 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseNeighCacheStats(strings.NewReader(tt.in), "f")
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %v, want one mentioning %q", err, tt.msg)
			}
		})
	}
}

func TestGCThresh(t *testing.T) {
	tests := []struct {
		root   string
		family Family
		want   GCThresh
	}{
		{"../testdata/lvs-director", Inet, GCThresh{128, 512, 1024}},
		{"../testdata/arp-cache-old-header", Inet, GCThresh{256, 1024, 2048}},
		{"../testdata/arp-cache-old-header", Inet6, GCThresh{128, 512, 1024}},
	}
	for _, tt := range tests {
		got, err := NewFS(tt.root).GCThresh(tt.family)
		if err != nil || got != tt.want {
			t.Errorf("%s %v: got %+v, %v; want %+v", tt.root, tt.family, got, err, tt.want)
		}
	}
}

func TestKernelVersion(t *testing.T) {
	tests := []struct {
		release             string
		major, minor, patch int
		permanentCounts     bool
		wantErr             bool
	}{
		{"6.1.0-13-amd64", 6, 1, 0, false, false},
		{"5.0.0", 5, 0, 0, false, false},
		{"4.19.0-25-amd64", 4, 19, 0, true, false},
		{"2.6.32-754.el6.x86_64", 2, 6, 32, true, false},
		{"6.18", 6, 18, 0, false, false},
		{"5.4-rc1", 5, 4, 0, false, false},
		{"", 0, 0, 0, false, true},
		{"linux", 0, 0, 0, false, true},
		{"6", 0, 0, 0, false, true},
	}
	for _, tt := range tests {
		v, err := parseKernelRelease(tt.release)
		if (err != nil) != tt.wantErr {
			t.Errorf("%q: error %v, want error %v", tt.release, err, tt.wantErr)
			continue
		}
		if tt.wantErr {
			continue
		}
		if v.Major != tt.major || v.Minor != tt.minor || v.Patch != tt.patch || v.PermanentCountsAgainstLimit() != tt.permanentCounts {
			t.Errorf("%q: got %+v (permanent counts %v)", tt.release, v, v.PermanentCountsAgainstLimit())
		}
	}
	v, err := NewFS("../testdata/arp-cache-old-header").KernelVersion()
	if err != nil || v.Release != "4.19.0-25-amd64" {
		t.Errorf("KernelVersion from fixture: %+v, %v", v, err)
	}
}

func TestParseFamily(t *testing.T) {
	for in, want := range map[string]Family{"inet": Inet, "4": Inet, "inet6": Inet6, "ipv6": Inet6} {
		if got, err := ParseFamily(in); err != nil || got != want {
			t.Errorf("ParseFamily(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseFamily("inet7"); err == nil {
		t.Error("ParseFamily(inet7) accepted")
	}
}
