// Command e2ebench times the plugin binaries end to end on large generated
// procfs trees and, as root, on a real kernel neighbour table of 100,000
// entries, side by side with `cat` of the same files and with a program
// doing the same work with github.com/prometheus/procfs
// (internal/devtools/procfsref). It prints Markdown tables: min and median
// wall time, median user and system CPU time, peak RSS, and the ratios the
// project's performance targets are stated in.
//
// It builds nothing: `make bench` builds the binaries into ./bin and
// procfsref, then runs
//
//	go run ./internal/devtools/bench/cmd/e2ebench -bin bin -procfsref .cache/bench/procfsref
//
// Commands of one series run interleaved (one run of each in turn), so a
// change of machine load hits them alike. Before each series it waits
// while the 1-minute load average is above -max-load.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/devtools/bench/gen"
)

var (
	binDir    = flag.String("bin", "bin", "directory of the plugin binaries")
	procfsRef = flag.String("procfsref", ".cache/bench/procfsref", "the procfs-based reference program (make bench builds it from the module internal/devtools/procfsref)")
	runsFast  = flag.Int("n", 20, "timed runs of each command of a fast series")
	runsSlow  = flag.Int("n-slow", 5, "timed runs of each command of a series reading the kernel's 100,000-entry net/arp")
	kernel    = flag.Bool("kernel", true, "also time the real kernel's table in a network namespace (root and iproute2 only)")
	kernelN   = flag.Int("kernel-entries", 100_000, "permanent neighbour entries of the namespace")
	maxLoad   = flag.Float64("max-load", 1.0, "wait before a series while the 1-minute load average is above this")
	maxWait   = flag.Duration("max-wait", 10*time.Minute, "wait at most this long for the load to fall")
	outFile   = flag.String("o", "", "also write the report to this file")
	writeTree = flag.String("write-tree", "", "only write the generated tree below this directory, for runs by hand")
	baseline  = flag.String("baseline", "", "directory of the metric plugins of another commit, timed in the same series as -bin's (before and after a change)")
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == launchArg {
		launch(os.Args[2:])
	}
	flag.Parse()
	if *writeTree != "" {
		if _, err := gen.Write(*writeTree, gen.Large); err != nil {
			fatal(err)
		}
		return
	}
	var out bytes.Buffer
	w := io.MultiWriter(os.Stdout, &out)
	if err := run(w); err != nil {
		fmt.Fprintln(os.Stderr, "e2ebench:", err)
		os.Exit(1)
	}
	if *outFile != "" {
		if err := os.WriteFile(*outFile, out.Bytes(), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "e2ebench:", err)
			os.Exit(1)
		}
	}
}

func bin(name string) string { return filepath.Join(*binDir, name) }

const (
	arpPlugin    = "mackerel-plugin-proc-net-arp"
	ipvsPlugin   = "mackerel-plugin-proc-net-ip_vs"
	percpuPlugin = "mackerel-plugin-proc-net-ip_vs_stats_percpu"
)

func run(w io.Writer) error {
	for _, b := range []string{"check-arp-table", "check-ipvs", arpPlugin, ipvsPlugin, percpuPlugin} {
		if _, err := os.Stat(bin(b)); err != nil {
			return fmt.Errorf("%v: run make build first", err)
		}
	}
	if _, err := os.Stat(*procfsRef); err != nil {
		return fmt.Errorf("%v: build %s from the module internal/devtools/procfsref (make bench does)", err, *procfsRef)
	}
	tmp, err := os.MkdirTemp("", "e2ebench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	root := filepath.Join(tmp, "proc")
	st, err := gen.Write(root, gen.Large)
	if err != nil {
		return err
	}
	state := func(name string) string { return filepath.Join(tmp, name+".json") }

	fmt.Fprintf(w, "## Machine\n\n%s\n\n", machine())
	fmt.Fprintf(w, "## Generated trees\n\n"+
		"net/arp: %d rows (%d permanent, %d proxy), net/stat/arp_cache entries %d, gc_thresh3 %d, kernel %s; "+
		"net/ip_vs: %d services, %d real servers (%d weight 0); net/ip_vs_stats_percpu: %d CPU rows. "+
		"Metric plugins run with a state file aged to 60 s before each run (the agent's steady state). "+
		"Output goes to /dev/null.\n\n",
		st.ARPRows, st.ARPPermanent, st.ARPProxy, gen.Large.ARPRows, gen.Large.GCThresh3, gen.Large.KernelRelease,
		st.Services, st.RealServers, st.Weight0, gen.Large.PerCPURows)

	var v verdicts
	catFiles := func(progs ...string) []string {
		seen, args := map[string]bool{}, []string{"cat"}
		for _, p := range progs {
			for _, f := range gen.Files[p] {
				if !seen[f] {
					seen[f] = true
					args = append(args, filepath.Join(root, f))
				}
			}
		}
		return args
	}
	ref := func(mode string) []string { return []string{*procfsRef, "-root", root, mode} }

	// ARP.
	s := newSeries("net/arp, 100,000 rows", "generated", *runsFast)
	cat := s.add(kindCat, "cat (the 10 files)", catFiles("arp", "check-arp-table"), "")
	ra := s.add(kindRef, "procfsref arp", ref("arp"), "")
	arp := s.add(kindBin, arpPlugin, []string{bin(arpPlugin), "-procfs-root", root, "-tempfile", state("arp")}, state("arp"))
	addBaseline(s, arpPlugin, root, state)
	chk := s.add(kindBin, "check-arp-table (refines: reads net/arp)", []string{bin("check-arp-table"), "--procfs-root", root, "--state-file", state("check")}, "")
	s.add(kindBin, arpPlugin+" -table-only", []string{bin(arpPlugin), "-table-only", "-procfs-root", root, "-tempfile", state("arp-t")}, state("arp-t"))
	s.add(kindBin, "check-arp-table, below warning (--gc-thresh3 1000000)", []string{bin("check-arp-table"), "--procfs-root", root, "--gc-thresh3", "1000000", "--state-file", state("check-b")}, "")
	s.run(w)
	v.faster(arp, ra, 5)
	v.faster(chk, ra, 5)
	v.withinCat(arp, cat, 5)
	v.withinCat(chk, cat, 5)
	v.rss(s)

	// IPVS.
	s = newSeries("net/ip_vs, 5,000 services x 20 real servers", "generated", *runsFast)
	cat = s.add(kindCat, "cat net/ip_vs net/ip_vs_stats", catFiles("ip_vs"), "")
	ri := s.add(kindRef, "procfsref ipvs", ref("ipvs"), "")
	rs := s.add(kindRef, "procfsref ipvs-summary", ref("ipvs-summary"), "")
	ipvs := s.add(kindBin, ipvsPlugin, []string{bin(ipvsPlugin), "-procfs-root", root, "-tempfile", state("ipvs")}, state("ipvs"))
	s.add(kindBin, ipvsPlugin+" -max-metrics 0", []string{bin(ipvsPlugin), "-max-metrics", "0", "-procfs-root", root, "-tempfile", state("ipvs-all")}, state("ipvs-all"))
	addBaseline(s, ipvsPlugin, root, state)
	// Its state remembers the pools; the table does not change between
	// runs, so each run reads the first line of it and writes nothing.
	civs := s.add(kindBin, "check-ipvs", []string{bin("check-ipvs"), "--procfs-root", root, "--state-file", state("check-ipvs")}, "")
	// Without a state (first run, or a corrupt one): one walk that also
	// writes the whole state.
	changed := s.add(kindBin, "check-ipvs, first run (no state before each run)",
		[]string{bin("check-ipvs"), "--procfs-root", root, "--state-file", state("check-ipvs-changed")}, "")
	changed.removeBefore = state("check-ipvs-changed")
	s.run(w)
	v.faster(ipvs, ri, 5)
	v.faster(civs, rs, 5)
	v.withinCat(civs, cat, 5)
	v.rss(s)

	// Per-CPU.
	s = newSeries("net/ip_vs_stats_percpu, 256 CPUs", "generated", *runsFast)
	s.add(kindCat, "cat net/ip_vs_stats_percpu", catFiles("ip_vs_stats_percpu"), "")
	rp := s.add(kindRef, "procfsref percpu", ref("percpu"), "")
	pc := s.add(kindBin, percpuPlugin, []string{bin(percpuPlugin), "-procfs-root", root, "-tempfile", state("percpu")}, state("percpu"))
	addBaseline(s, percpuPlugin, root, state)
	s.run(w)
	v.faster(pc, rp, 5)
	v.rss(s)

	if *kernel {
		if err := kernelSeries(w, tmp, &v); err != nil {
			return err
		}
	}
	v.print(w)
	return nil
}

// addBaseline adds the -baseline build of a metric plugin to a series.
func addBaseline(s *series, plugin, root string, state func(string) string) {
	if *baseline == "" {
		return
	}
	st := state(plugin + "-baseline")
	s.add(kindBin, plugin+" (baseline)", []string{filepath.Join(*baseline, plugin), "-procfs-root", root, "-tempfile", st}, st)
}

// machine describes the host.
func machine() string {
	cpu := "unknown"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, val, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(val)
				break
			}
		}
		f.Close()
	}
	rel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	nproc, _ := exec.Command("nproc").Output()
	return fmt.Sprintf("nproc %s, kernel %s, CPU %s, %s", strings.TrimSpace(string(nproc)), strings.TrimSpace(string(rel)), cpu, goVersion())
}

func goVersion() string {
	out, err := exec.Command("go", "version").Output()
	if err != nil {
		return "go version unknown"
	}
	return strings.TrimSpace(string(out))
}
