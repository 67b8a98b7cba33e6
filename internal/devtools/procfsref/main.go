// Command procfsref does the work of the plugins with
// github.com/prometheus/procfs v0.23.0, as a reference for the end-to-end
// benchmarks (internal/devtools/bench/cmd/e2ebench). It is bench code, not a plugin.
//
//	procfsref [-root DIR] arp|ipvs|ipvs-summary|percpu
//
// arp counts the rows of net/arp by state and device (what
// mackerel-plugin-proc-net-arp and the refinement of check-arp-table do);
// ipvs prints weight and connection counts of every real server and the
// totals of net/ip_vs_stats (mackerel-plugin-proc-net-ip_vs); ipvs-summary
// prints one line of service and available real server counts
// (check-ipvs); percpu prints the counters of every CPU row of
// net/ip_vs_stats_percpu (mackerel-plugin-proc-net-ip_vs_stats_percpu).
// procfs has no parser for ip_vs_stats_percpu: percpu reads it in the
// style of procfs's own parsers (os.ReadFile, strings.Fields,
// strconv.ParseUint).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/prometheus/procfs"
)

func main() {
	root := flag.String("root", procfs.DefaultMountPoint, "procfs root")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: procfsref [-root DIR] arp|ipvs|ipvs-summary|percpu")
		os.Exit(2)
	}
	fs, err := procfs.NewFS(*root)
	if err != nil {
		fail(err)
	}
	out := bufio.NewWriter(os.Stdout)
	switch flag.Arg(0) {
	case "arp":
		err = arp(out, fs)
	case "ipvs":
		err = ipvs(out, fs, false)
	case "ipvs-summary":
		err = ipvs(out, fs, true)
	case "percpu":
		err = percpu(out, filepath.Join(*root, "net/ip_vs_stats_percpu"))
	default:
		err = fmt.Errorf("unknown mode %q", flag.Arg(0))
	}
	if err != nil {
		fail(err)
	}
	if err := out.Flush(); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "procfsref:", err)
	os.Exit(1)
}

type counts struct{ complete, incomplete, permanent, proxy int }

func (c *counts) add(flags byte) {
	switch {
	case flags&procfs.ATFPublish != 0:
		c.proxy++
	case flags&procfs.ATFPermanent != 0:
		c.permanent++
	case flags&procfs.ATFComplete != 0:
		c.complete++
	default:
		c.incomplete++
	}
}

func (c counts) print(w *bufio.Writer, prefix string) {
	fmt.Fprintf(w, "%scomplete\t%d\n%sincomplete\t%d\n%spermanent\t%d\n%sproxy\t%d\n",
		prefix, c.complete, prefix, c.incomplete, prefix, c.permanent, prefix, c.proxy)
}

func arp(w *bufio.Writer, fs procfs.FS) error {
	entries, err := fs.GatherARPEntries()
	if err != nil {
		return err
	}
	var all counts
	perDev := map[string]*counts{}
	for _, e := range entries {
		all.add(e.Flags)
		c := perDev[e.Device]
		if c == nil {
			c = &counts{}
			perDev[e.Device] = c
		}
		c.add(e.Flags)
	}
	fmt.Fprintf(w, "size\t%d\n", len(entries))
	all.print(w, "states.")
	devs := make([]string, 0, len(perDev))
	for d := range perDev {
		devs = append(devs, d)
	}
	sort.Strings(devs)
	for _, d := range devs {
		perDev[d].print(w, "devices."+d+".")
	}
	return nil
}

func ipvs(w *bufio.Writer, fs procfs.FS, summary bool) error {
	backends, err := fs.IPVSBackendStatus()
	if err != nil {
		return err
	}
	type service struct {
		proto, addr, mark string
		port              uint16
	}
	total, available := map[service]int{}, map[service]int{}
	for _, b := range backends {
		s := service{b.Proto, b.LocalAddress.String(), b.LocalMark, b.LocalPort}
		total[s]++
		if b.Weight > 0 {
			available[s]++
		}
		if summary {
			continue
		}
		svc := fmt.Sprintf("%s_%s_%d%s", b.Proto, b.LocalAddress, b.LocalPort, b.LocalMark)
		rs := fmt.Sprintf("%s_%d", b.RemoteAddress, b.RemotePort)
		fmt.Fprintf(w, "%s.weight.%s\t%d\n", svc, rs, b.Weight)
		fmt.Fprintf(w, "%s.active_conns.%s\t%d\n", svc, rs, b.ActiveConn)
		fmt.Fprintf(w, "%s.inactive_conns.%s\t%d\n", svc, rs, b.InactConn)
	}
	full := 0
	for s, n := range total {
		if available[s] == n {
			full++
		}
	}
	if summary {
		fmt.Fprintf(w, "%d services, %d real servers, %d services with every real server available\n", len(total), len(backends), full)
		return nil
	}
	st, err := fs.IPVSStats()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "stats.connections.conns\t%d\nstats.packets.in\t%d\nstats.packets.out\t%d\nstats.bytes.in\t%d\nstats.bytes.out\t%d\n",
		st.Connections, st.IncomingPackets, st.OutgoingPackets, st.IncomingBytes, st.OutgoingBytes)
	return nil
}

func percpu(w *bufio.Writer, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) != 6 || fields[0] == "CPU" || fields[0] == "~" {
			continue
		}
		cpu, err := strconv.ParseUint(fields[0], 16, 32)
		if err != nil {
			return fmt.Errorf("%s: %q: %w", path, line, err)
		}
		var v [5]uint64
		for i := range v {
			if v[i], err = strconv.ParseUint(fields[i+1], 16, 64); err != nil {
				return fmt.Errorf("%s: %q: %w", path, line, err)
			}
		}
		fmt.Fprintf(w, "%d.conns.conn\t%d\n%d.packets.in\t%d\n%d.packets.out\t%d\n%d.bytes.in\t%d\n%d.bytes.out\t%d\n",
			cpu, v[0], cpu, v[1], cpu, v[2], cpu, v[3], cpu, v[4])
	}
	return nil
}
