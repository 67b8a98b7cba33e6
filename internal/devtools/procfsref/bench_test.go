package main

// The procfs side of procnet's parser benchmarks (procnet/bench_test.go):
// the same generated trees, the same names for the same work, so the two
// runs line up in benchstat:
//
//	go test -run '^$' -bench . -benchmem -count 6 ./procnet/ > /tmp/procnet.txt
//	(cd internal/devtools/procfsref && go test -run '^$' -bench . -benchmem -count 6 .) > /tmp/procfs.txt
//	benchstat /tmp/procnet.txt /tmp/procfs.txt

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/prometheus/procfs"

	"github.com/procnet/mackerel-plugin-proc-net/internal/devtools/bench/gen"
)

// largeProcfs writes the large tree and reports the size of rel as the
// bytes each iteration processes.
func largeProcfs(b *testing.B, rel string) procfs.FS {
	root := b.TempDir()
	if _, err := gen.Write(root, gen.Large); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(root, rel))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fi.Size())
	pfs, err := procfs.NewFS(root)
	if err != nil {
		b.Fatal(err)
	}
	return pfs
}

func BenchmarkProcfsGatherARPEntries(b *testing.B) {
	pfs := largeProcfs(b, "net/arp")
	b.ReportAllocs()
	for b.Loop() {
		es, err := pfs.GatherARPEntries()
		if err != nil || len(es) != gen.Large.ARPRows {
			b.Fatalf("%d rows, %v", len(es), err)
		}
	}
}

func BenchmarkProcfsIPVSBackendStatus(b *testing.B) {
	pfs := largeProcfs(b, "net/ip_vs")
	b.ReportAllocs()
	for b.Loop() {
		st, err := pfs.IPVSBackendStatus()
		if err != nil || len(st) != gen.Large.Services*gen.Large.RealPerSvc {
			b.Fatalf("%d real servers, %v", len(st), err)
		}
	}
}
