package procnet

// Benchmarks on the large trees of internal/devtools/bench/gen (the same trees the
// end-to-end benchmarks of BENCHMARKS.md use), against os.ReadFile of the
// same bytes as a floor; the prometheus/procfs counterparts are in the
// module internal/devtools/procfsref, which keeps procfs out of this one. Each benchmark writes its
// input once into a b.TempDir() procfs tree; b.Loop keeps that setup out
// of the timing. They run only with -bench:
//
//	go test -run '^$' -bench . -benchmem -count 6 ./procnet/ > /tmp/bench.txt
//	benchstat /tmp/bench.txt

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/devtools/bench/gen"
)

// Sizes of the benchmark inputs.
var (
	largeARPRows        = gen.Large.ARPRows
	largeIPVSServices   = gen.Large.Services
	largeIPVSRealPerSvc = gen.Large.RealPerSvc
	largePerCPURows     = gen.Large.PerCPURows
)

// largeTree writes a tree of the given sizes below a temporary directory
// and reports the size of rel as the bytes each iteration processes.
func largeTree(b *testing.B, sz gen.Sizes, rel string) string {
	root := b.TempDir()
	if _, err := gen.Write(root, sz); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(root, rel))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fi.Size())
	return root
}

func largeARPTree(b *testing.B) string { return largeTree(b, gen.Large, "net/arp") }

func largeIPVSTree(b *testing.B) string { return largeTree(b, gen.Large, "net/ip_vs") }

func largePerCPUTree(b *testing.B) string { return largeTree(b, gen.Large, "net/ip_vs_stats_percpu") }

func BenchmarkCountARP(b *testing.B) {
	fsys := NewFS(largeARPTree(b))
	b.ReportAllocs()
	for b.Loop() {
		sum, err := fsys.CountARP()
		if err != nil || sum.Total() != uint64(largeARPRows) {
			b.Fatalf("%d rows, %v", sum.Total(), err)
		}
	}
}

func BenchmarkARPEntries(b *testing.B) {
	fsys := NewFS(largeARPTree(b))
	b.ReportAllocs()
	for b.Loop() {
		es, err := fsys.ARPEntries()
		if err != nil || len(es) != largeARPRows {
			b.Fatalf("%d rows, %v", len(es), err)
		}
	}
}

func BenchmarkWalkIPVS(b *testing.B) {
	fsys := NewFS(largeIPVSTree(b))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		err := fsys.WalkIPVS(func(s *Service) error {
			n += len(s.RealServers)
			return nil
		})
		if err != nil || n != largeIPVSServices*largeIPVSRealPerSvc {
			b.Fatalf("%d real servers, %v", n, err)
		}
	}
}

// BenchmarkIPVSStatsPerCPU has no procfs counterpart (procfs has no
// ip_vs_stats_percpu parser); compare it with BenchmarkReadFileFloor.
func BenchmarkIPVSStatsPerCPU(b *testing.B) {
	fsys := NewFS(largePerCPUTree(b))
	b.ReportAllocs()
	for b.Loop() {
		st, err := fsys.IPVSStatsPerCPU()
		if err != nil || len(st.CPUs) != largePerCPURows {
			b.Fatalf("%d CPU rows, %v", len(st.CPUs), err)
		}
	}
}

// BenchmarkReadFileFloor reads the same bytes with os.ReadFile: no parser
// can be cheaper than reading the file, short of streaming it.
func BenchmarkReadFileFloor(b *testing.B) {
	files := []struct {
		name, rel string
		tree      func(*testing.B) string
	}{
		{"arp", "net/arp", largeARPTree},
		{"ip_vs", "net/ip_vs", largeIPVSTree},
		{"ip_vs_stats_percpu", "net/ip_vs_stats_percpu", largePerCPUTree},
	}
	for _, f := range files {
		b.Run(f.name, func(b *testing.B) {
			name := filepath.Join(f.tree(b), filepath.FromSlash(f.rel))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := os.ReadFile(name); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestCountARPAllocsDoNotGrowWithRows holds the counting pass to its
// promise: it allocates per device, not per row. Allocation counts are
// deterministic, so the test can demand equality.
func TestCountARPAllocsDoNotGrowWithRows(t *testing.T) {
	allocs := func(rows int) (float64, int) {
		root := t.TempDir()
		if _, err := gen.Write(root, gen.Sizes{ARPRows: rows}); err != nil {
			t.Fatal(err)
		}
		fsys := NewFS(root)
		sum, err := fsys.CountARP()
		if err != nil || sum.Total() != uint64(rows) {
			t.Fatalf("%d rows: counted %d, %v", rows, sum.Total(), err)
		}
		return testing.AllocsPerRun(3, func() {
			if _, err := fsys.CountARP(); err != nil {
				t.Fatal(err)
			}
		}), len(sum.PerDevice)
	}
	small, smallDevs := allocs(1_000)
	large, largeDevs := allocs(largeARPRows)
	t.Logf("CountARP allocations: %v for 1,000 rows, %v for %d rows", small, large, largeARPRows)
	if smallDevs != largeDevs {
		t.Fatalf("the trees have %d and %d devices: the comparison needs the same", smallDevs, largeDevs)
	}
	if large > small+1 {
		t.Errorf("CountARP allocates %v times on %d rows but %v on 1,000: it allocates per row", large, largeARPRows, small)
	}
	if large > 64 {
		t.Errorf("CountARP allocates %v times: more than a per-device budget allows", large)
	}
}
