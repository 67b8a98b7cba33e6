// Package inproc runs each plugin's Main in process on the large generated
// trees, so that a profile shows where a binary's time goes:
//
//	go test -run '^$' -bench . -benchmem -cpuprofile /tmp/cpu.out ./internal/devtools/bench/inproc/
//	go tool pprof -top /tmp/cpu.out
//
// Plain `go test ./...` runs no benchmark here and generates nothing.
package inproc

import (
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	checkarptable "github.com/procnet/mackerel-plugin-proc-net/check-arp-table/lib"
	checkipvs "github.com/procnet/mackerel-plugin-proc-net/check-ipvs/lib"
	"github.com/procnet/mackerel-plugin-proc-net/internal/devtools/bench/gen"
	arp "github.com/procnet/mackerel-plugin-proc-net/metrics/mackerel-plugin-proc-net-arp/lib"
	ipvs "github.com/procnet/mackerel-plugin-proc-net/metrics/mackerel-plugin-proc-net-ip_vs/lib"
	percpu "github.com/procnet/mackerel-plugin-proc-net/metrics/mackerel-plugin-proc-net-ip_vs_stats_percpu/lib"
)

var (
	treeOnce sync.Once
	treeDir  string
	treeErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if treeDir != "" {
		os.RemoveAll(treeDir)
	}
	os.Exit(code)
}

// tree writes the large tree once, for every benchmark; TestMain removes it.
func tree(b *testing.B) string {
	treeOnce.Do(func() {
		if treeDir, treeErr = os.MkdirTemp("", "inproc-"); treeErr == nil {
			_, treeErr = gen.Write(treeDir, gen.Large)
		}
	})
	if treeErr != nil {
		b.Fatal(treeErr)
	}
	return treeDir
}

func BenchmarkMain(b *testing.B) {
	mains := []struct {
		name string
		main func(args []string, stdout, stderr io.Writer) int
		args func(root, state string) []string
	}{
		{"arp", arp.Main, func(r, s string) []string { return []string{"-procfs-root", r, "-tempfile", s} }},
		{"arp-table-only", arp.Main, func(r, s string) []string { return []string{"-table-only", "-procfs-root", r, "-tempfile", s} }},
		{"check-arp-table", checkarptable.Main, func(r, s string) []string { return []string{"--procfs-root", r, "--state-file", s} }},
		{"ip_vs", ipvs.Main, func(r, s string) []string { return []string{"-procfs-root", r, "-tempfile", s} }},
		{"check-ipvs", checkipvs.Main, func(r, s string) []string { return []string{"--procfs-root", r} }},
		{"ip_vs_stats_percpu", percpu.Main, func(r, s string) []string { return []string{"-procfs-root", r, "-tempfile", s} }},
	}
	for _, m := range mains {
		b.Run(m.name, func(b *testing.B) {
			args := m.args(tree(b), filepath.Join(b.TempDir(), "state.json"))
			b.ReportAllocs()
			for b.Loop() {
				m.main(args, io.Discard, io.Discard)
			}
		})
	}
}
