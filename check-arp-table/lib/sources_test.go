package checkarptable

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// fixtureSources reads a fixture tree and counts the reads of this
// namespace's entries. With nt or nlErr set the tree stands for a live
// /proc: the reader takes rtnetlink as its source, whose RTM_GETNEIGHTBL
// answers with nt (or nlErr) and whose dump gives the tree's net/arp rows.
func fixtureSources(t *testing.T, fixture string, nt *procnet.NeighTable, nlErr error) (sources, *int) {
	t.Helper()
	fs := procnet.NewFS(testbin.Fixture(fixture))
	s := newSources(fs)
	if s.nr.Source != procnet.SourceProcfs || s.nr.Netlink != nil {
		t.Fatalf("fixture tree %s taken for the live /proc", fixture)
	}
	if nt != nil || nlErr != nil {
		s = newSourcesFrom(procnet.NeighReader{FS: fs, Live: true, Source: procnet.SourceNetlink, Netlink: treeNetlink{fs, nt, nlErr}})
	}
	reads := new(int)
	rows := s.rows
	s.rows = func(f ...procnet.Family) (procnet.NeighRows, error) { *reads++; return rows(f...) }
	return s, reads
}

// treeNetlink answers like the kernel would for a fixture tree.
type treeNetlink struct {
	fs     procnet.FS
	nt     *procnet.NeighTable
	tblErr error
}

func (n treeNetlink) NeighTable(procnet.Family) (procnet.NeighTable, error) {
	if n.tblErr != nil {
		return procnet.NeighTable{}, n.tblErr
	}
	return *n.nt, nil
}

// DumpNeighbours counts the tree's net/arp rows as a dump would: complete
// rows as stale entries.
func (n treeNetlink) DumpNeighbours(...procnet.Family) (procnet.NeighDump, error) {
	sum, err := n.fs.CountARP()
	var d procnet.NeighDump
	c := &d.IPv4
	c.Rows = sum
	c.States[procnet.NeighStale] = sum.Complete
	c.States[procnet.NeighIncomplete] = sum.Incomplete
	c.States[procnet.NeighPermanent] = sum.Permanent
	c.Proxy, c.GCExempt = sum.Proxy, sum.Permanent
	return d, err
}

func testOptions(t *testing.T, args ...string) options {
	t.Helper()
	opts, err := parseOptions(append(args, "--state-file", filepath.Join(t.TempDir(), "state.json")))
	if err != nil {
		t.Fatal(err)
	}
	return opts
}

func runOn(t *testing.T, s sources, args ...string) *checkers.Checker {
	t.Helper()
	return run(testOptions(t, args...), s, "", time.Unix(1700000000, 0))
}

func TestNetARPReadOnlyAtWarningLevel(t *testing.T) {
	tests := []struct {
		args      []string
		wantReads int
		want      checkers.Status
	}{
		{nil, 1, checkers.OK}, // 960 >= 80%: refined to 660
		{[]string{"-w", "961", "-c", "1000"}, 0, checkers.OK}, // below warning: never read
		{[]string{"-w", "960", "-c", "1000"}, 1, checkers.OK}, // at warning: read, refined to 660
		{[]string{"-w", "600", "-c", "1000"}, 1, checkers.WARNING},
	}
	for _, tt := range tests {
		s, reads := fixtureSources(t, "arp-table-permanent-heavy", nil, nil)
		got := runOn(t, s, tt.args...)
		if *reads != tt.wantReads || got.Status != tt.want {
			t.Errorf("%q: %d reads of net/arp, %s %s; want %d reads, %s", tt.args, *reads, got.Status, got.Message, tt.wantReads, tt.want)
		}
	}
}

func TestRefinementSkipped(t *testing.T) {
	// inet6 has no per-row file; 4.19 counts permanent entries.
	for _, tc := range []struct {
		fixture string
		args    []string
	}{
		{"arp-table-near-full", []string{"--family", "inet6"}},
		{"arp-table-kernel-4.19-permanent", nil},
	} {
		s, reads := fixtureSources(t, tc.fixture, nil, nil)
		got := runOn(t, s, tc.args...)
		if *reads != 0 || got.Status != checkers.CRITICAL {
			t.Errorf("%s %q: %d reads, %s %s", tc.fixture, tc.args, *reads, got.Status, got.Message)
		}
	}
}

func neighTable(entries, thresh3, tableFulls uint64) *procnet.NeighTable {
	return &procnet.NeighTable{
		Name: "arp_cache", Thresh: procnet.GCThresh{Thresh1: 128, Thresh2: thresh3 / 2, Thresh3: thresh3},
		HasStats: true, Stats: procnet.NeighCacheStats{Entries: entries, TableFulls: tableFulls, HasTableFulls: true},
	}
}

func TestNetlinkSource(t *testing.T) {
	// The container tree has net/arp (70 complete, 10 incomplete, 40
	// permanent, 2 proxy rows) and no stat file or sysctls.
	t.Run("count and limit from rtnetlink, refined by this namespace's rows", func(t *testing.T) {
		s, reads := fixtureSources(t, "arp-table-container-rows", neighTable(900, 1024, 0), nil)
		got := runOn(t, s)
		want := "860 of 1024 entries (84.0% of gc_thresh3; gc_thresh2 512); 900 in the whole table, less 40 permanent entries of this namespace; 0 table overflows so far, none to compare with (first check); source rtnetlink RTM_GETNEIGHTBL"
		if got.Status != checkers.WARNING || got.Message != want || *reads != 1 {
			t.Errorf("%s %s (%d reads)\nwant WARNING %s", got.Status, got.Message, *reads, want)
		}
	})
	t.Run("below warning, rtnetlink alone", func(t *testing.T) {
		s, reads := fixtureSources(t, "arp-table-container-rows", neighTable(100, 1024, 0), nil)
		if got := runOn(t, s); got.Status != checkers.OK || *reads != 0 {
			t.Errorf("%s %s (%d reads)", got.Status, got.Message, *reads)
		}
	})
	t.Run("--gc-thresh3 wins over rtnetlink", func(t *testing.T) {
		s, _ := fixtureSources(t, "arp-table-container-rows", neighTable(100, 1024, 0), nil)
		got := runOn(t, s, "--gc-thresh3", "110")
		if got.Status != checkers.OK || !strings.HasPrefix(got.Message, "60 of 110 entries (54.5% of gc_thresh3); 100 in the whole table, less 40 permanent entries") ||
			!strings.HasSuffix(got.Message, "source rtnetlink RTM_GETNEIGHTBL, gc_thresh3 from --gc-thresh3") {
			t.Errorf("%s %s", got.Status, got.Message)
		}
	})
	t.Run("table_fulls from rtnetlink is tracked", func(t *testing.T) {
		opts := testOptions(t)
		s, _ := fixtureSources(t, "arp-table-container-rows", neighTable(100, 1024, 4), nil)
		run(opts, s, "boot-1", time.Now())
		s, _ = fixtureSources(t, "arp-table-container-rows", neighTable(100, 1024, 6), nil)
		if got := run(opts, s, "boot-1", time.Now()); got.Status != checkers.CRITICAL || !strings.Contains(got.Message, "2 table overflows since last check (table_fulls 4 -> 6)") {
			t.Errorf("%s %s", got.Status, got.Message)
		}
		// After a reboot the counter starts again: all 9 overflows since
		// the boot are newer than the previous check.
		s, _ = fixtureSources(t, "arp-table-container-rows", neighTable(100, 1024, 9), nil)
		if got := run(opts, s, "boot-2", time.Now()); got.Status != checkers.CRITICAL || !strings.Contains(got.Message, "9 table overflows since the counter restarted (reboot?), all after the last check") {
			t.Errorf("%s %s", got.Status, got.Message)
		}
	})
	t.Run("RTM_GETNEIGHTBL fails: the dumped entries against --gc-thresh3", func(t *testing.T) {
		s, _ := fixtureSources(t, "arp-table-container-rows", nil, errors.New("rtnetlink RTM_GETNEIGHTBL arp_cache: sendto: permission denied"))
		got := runOn(t, s, "--gc-thresh3", "1000")
		if got.Status != checkers.OK || !strings.HasPrefix(got.Message, "80 of 1000 entries") ||
			!strings.HasSuffix(got.Message, "source rtnetlink RTM_GETNEIGH rows of this namespace only, gc_thresh3 from --gc-thresh3") {
			t.Errorf("%s %s", got.Status, got.Message)
		}
		got = runOn(t, s)
		if got.Status != checkers.UNKNOWN || !strings.Contains(got.Message, "gc_thresh3 unknown: give --gc-thresh3") ||
			!strings.Contains(got.Message, "rtnetlink RTM_GETNEIGHTBL arp_cache: sendto: permission denied") {
			t.Errorf("%s %s", got.Status, got.Message)
		}
	})
	t.Run("stat file present, sysctls hidden: limit from rtnetlink", func(t *testing.T) {
		s, _ := fixtureSources(t, "arp-cache-no-table-fulls", neighTable(5000, 256, 0), nil)
		got := runOn(t, s)
		if got.Status != checkers.OK || !strings.HasPrefix(got.Message, "64 of 256 entries (25.0% of gc_thresh3; gc_thresh2 128); table overflows not counted by this kernel; source ") ||
			!strings.HasSuffix(got.Message, "net/stat/arp_cache, gc_thresh3 from rtnetlink RTM_GETNEIGHTBL") {
			t.Errorf("%s %s", got.Status, got.Message)
		}
	})
}

// writeTree makes a procfs tree of files given by relative path.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for rel, content := range files {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestRowsSourceKernelVersions(t *testing.T) {
	arp := "IP address       HW type     Flags       HW address            Mask     Device\n" +
		"10.0.0.1         0x1         0x2         52:54:00:12:34:56     *        eth0\n" +
		"10.0.0.9         0x1         0x0         00:00:00:00:00:00     *        eth0\n" +
		"10.0.0.20        0x1         0x6         02:00:00:00:00:14     *        eth1\n" +
		"10.0.0.50        0x1         0xc         00:00:00:00:00:00     *        *\n"
	tests := []struct {
		osrelease string // "" for none
		want      string
	}{
		{"6.8.0-45-generic\n", "2 of 10 entries (20.0% of gc_thresh3); "},
		{"4.19.0-25-amd64\n", "3 of 10 entries (30.0% of gc_thresh3); "},
		{"", "3 of 10 entries (30.0% of gc_thresh3); "},
	}
	for _, tt := range tests {
		files := map[string]string{"net/arp": arp}
		if tt.osrelease != "" {
			files["sys/kernel/osrelease"] = tt.osrelease
		}
		got := run(testOptions(t, "--gc-thresh3", "10"), newSources(procnet.NewFS(writeTree(t, files))), "", time.Now())
		if got.Status != checkers.OK || !strings.HasPrefix(got.Message, tt.want) {
			t.Errorf("osrelease %q: %s %s, want %s", tt.osrelease, got.Status, got.Message, tt.want)
		}
		if tt.osrelease == "" && !strings.Contains(got.Message, "permanent entries counted, kernel version unknown") {
			t.Errorf("no note on the unknown kernel: %s", got.Message)
		}
	}
}

func TestUnusableLimit(t *testing.T) {
	root := writeTree(t, map[string]string{
		"net/stat/arp_cache":                    "entries  allocs table_fulls\n00000002 00000001 00000000\n",
		"sys/net/ipv4/neigh/default/gc_thresh1": "0\n",
		"sys/net/ipv4/neigh/default/gc_thresh2": "0\n",
		"sys/net/ipv4/neigh/default/gc_thresh3": "0\n",
	})
	got := run(testOptions(t), newSources(procnet.NewFS(root)), "", time.Now())
	if got.Status != checkers.UNKNOWN || !strings.Contains(got.Message, "gc_thresh3 is 0") {
		t.Errorf("%s %s", got.Status, got.Message)
	}
	root = writeTree(t, map[string]string{
		"net/stat/arp_cache":                    "entries  allocs table_fulls\n00000002 00000001 00000000\n",
		"sys/net/ipv4/neigh/default/gc_thresh1": "128\n",
		"sys/net/ipv4/neigh/default/gc_thresh2": "512\n",
		"sys/net/ipv4/neigh/default/gc_thresh3": "lots\n",
	})
	got = run(testOptions(t), newSources(procnet.NewFS(root)), "", time.Now())
	if got.Status != checkers.UNKNOWN || !strings.Contains(got.Message, "gc_thresh3:1: ") {
		t.Errorf("%s %s", got.Status, got.Message)
	}
}
