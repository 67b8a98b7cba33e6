// Package gen writes large procfs trees in the kernel's own output formats
// for the end-to-end benchmarks (internal/devtools/bench/cmd/e2ebench). Everything it
// writes is generated at run time into a temporary directory; nothing is
// committed. The output is deterministic.
package gen

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// Sizes of a tree.
type Sizes struct {
	ARPRows       int // rows of net/arp
	ARPDevices    int // devices of the rows, named as on a busy node (DeviceName); 0: the 8 of devices
	Services      int // services of net/ip_vs
	RealPerSvc    int // real servers per service
	PerCPURows    int // CPU rows of net/ip_vs_stats_percpu
	GCThresh3     int // net.ipv4.neigh.default.gc_thresh3
	KernelRelease string
}

// Large are the sizes of the benchmark trees. gc_thresh3 is chosen so that
// the 100,000 entries of net/stat/arp_cache are above check-arp-table's
// default warning level (80%): it then reads net/arp to take the
// permanent rows out of the count.
var Large = Sizes{
	ARPRows: 100_000, Services: 5_000, RealPerSvc: 20, PerCPURows: 256,
	GCThresh3: 110_000, KernelRelease: "6.1.0-13-amd64",
}

// Stats is what was generated, for checking the programs' output.
type Stats struct {
	ARPRows, ARPPermanent, ARPProxy int
	Services, RealServers, Weight0  int
}

// devices are the devices of the neighbour rows.
var devices = []string{"eth0", "eth1", "eth2", "eth3", "bond0", "bond0.100", "vlan2001", "veth7"}

// Files lists the files below the root that each program reads.
var Files = map[string][]string{
	"arp": {"net/arp", "net/stat/arp_cache", "net/stat/ndisc_cache",
		"sys/net/ipv4/neigh/default/gc_thresh1", "sys/net/ipv4/neigh/default/gc_thresh2", "sys/net/ipv4/neigh/default/gc_thresh3",
		"sys/net/ipv6/neigh/default/gc_thresh1", "sys/net/ipv6/neigh/default/gc_thresh2", "sys/net/ipv6/neigh/default/gc_thresh3"},
	"check-arp-table": {"net/stat/arp_cache",
		"sys/net/ipv4/neigh/default/gc_thresh1", "sys/net/ipv4/neigh/default/gc_thresh2", "sys/net/ipv4/neigh/default/gc_thresh3",
		"sys/kernel/osrelease", "net/arp"},
	"ip_vs":              {"net/ip_vs", "net/ip_vs_stats", "sys/net/ipv4/vs/drop_entry", "sys/net/ipv4/vs/drop_packet", "sys/net/ipv4/vs/secure_tcp", "sys/net/ipv4/vs/amemthresh"},
	"check-ipvs":         {"net/ip_vs", "sys/net/ipv4/vs/drop_entry", "sys/net/ipv4/vs/drop_packet", "sys/net/ipv4/vs/secure_tcp", "sys/net/ipv4/vs/amemthresh"},
	"ip_vs_stats_percpu": {"net/ip_vs_stats_percpu"},
}

// Write writes a procfs tree of the given sizes below root.
func Write(root string, sz Sizes) (Stats, error) {
	var st Stats
	w := treeWriter{root: root}
	w.file("net/arp", func(b *bufio.Writer) { st.ARPRows, st.ARPPermanent, st.ARPProxy = arp(b, sz.ARPRows, sz.ARPDevices) })
	w.file("net/stat/arp_cache", func(b *bufio.Writer) { neighStat(b, sz.ARPRows) })
	w.file("net/stat/ndisc_cache", func(b *bufio.Writer) { neighStat(b, 12) })
	for _, fam := range []string{"ipv4", "ipv6"} {
		dir := "sys/net/" + fam + "/neigh/default/"
		w.text(dir+"gc_thresh1", "128\n")
		w.text(dir+"gc_thresh2", fmt.Sprintf("%d\n", sz.GCThresh3/2))
		w.text(dir+"gc_thresh3", fmt.Sprintf("%d\n", sz.GCThresh3))
	}
	w.text("sys/kernel/osrelease", sz.KernelRelease+"\n")
	w.file("net/ip_vs", func(b *bufio.Writer) { st.Services, st.RealServers, st.Weight0 = ipvs(b, sz.Services, sz.RealPerSvc) })
	w.file("net/ip_vs_stats", ipvsStats)
	// The IPVS defense sysctls, at the kernel's defaults.
	for _, f := range []string{"drop_entry", "drop_packet", "secure_tcp"} {
		w.text("sys/net/ipv4/vs/"+f, "0\n")
	}
	w.text("sys/net/ipv4/vs/amemthresh", "1024\n")
	w.file("net/ip_vs_stats_percpu", func(b *bufio.Writer) { perCPU(b, sz.PerCPURows) })
	return st, w.err
}

type treeWriter struct {
	root string
	err  error
}

func (t *treeWriter) file(rel string, fill func(*bufio.Writer)) {
	if t.err != nil {
		return
	}
	p := filepath.Join(t.root, filepath.FromSlash(rel))
	if t.err = os.MkdirAll(filepath.Dir(p), 0o755); t.err != nil {
		return
	}
	f, err := os.Create(p)
	if err != nil {
		t.err = err
		return
	}
	b := bufio.NewWriterSize(f, 256<<10)
	fill(b)
	if err := b.Flush(); err != nil {
		t.err = err
	}
	if err := f.Close(); err != nil && t.err == nil {
		t.err = err
	}
}

func (t *treeWriter) text(rel, s string) {
	t.file(rel, func(b *bufio.Writer) { b.WriteString(s) })
}

// DeviceName is the name of the i-th device of a node with many: four
// eth, two bond, then in turn a Calico (cali + 11 hex digits), a veth
// (veth + 8 hex digits) and a tap device, with a device of a family of
// its own every 25th (wg3, ib4, docker7...).
func DeviceName(i int) string {
	switch {
	case i < 4:
		return fmt.Sprintf("eth%d", i)
	case i < 6:
		return fmt.Sprintf("bond%d", i-4)
	case i%25 == 0:
		own := []string{"wg", "ib", "docker", "vxlan", "br-", "tun", "gre", "ipip", "sit", "dummy", "macvlan", "geneve"}
		return fmt.Sprintf("%s%d", own[i/25%len(own)], i)
	}
	h := uint64(i) * 0x9e3779b97f4a7c15
	switch i % 3 {
	case 0:
		return fmt.Sprintf("cali%011x", h>>20)
	case 1:
		return fmt.Sprintf("veth%08x", h>>32)
	}
	return fmt.Sprintf("tap%d", i)
}

// arp writes net/arp as net/ipv4/arp.c prints it: neighbour rows in a
// deterministic mix of complete (0x2, 70%), incomplete (0x0, 15%) and
// permanent (0x6, 15%), then about 1% proxy rows (0xc), which the kernel
// lists after the neighbour table. Every HW address has 6 bytes, so
// prometheus/procfs parses every row too.
func arp(b *bufio.Writer, rows, ndev int) (total, permanent, proxy int) {
	b.WriteString("IP address       HW type     Flags       HW address            Mask     Device\n")
	rng := rand.New(rand.NewPCG(1, 2))
	proxies := rows / 100
	for i := range rows {
		ip := fmt.Sprintf("10.%d.%d.%d", i>>16&0xff, i>>8&0xff, i&0xff)
		flags, hw, dev := 0x2, "00:00:00:00:00:00", devices[i%len(devices)]
		if ndev > 0 {
			dev = DeviceName(i % ndev)
		}
		if i >= rows-proxies {
			flags, dev = 0xc, "*"
			if i%2 == 0 {
				dev = "eth0"
			}
			proxy++
		} else {
			switch r := rng.IntN(100); {
			case r < 15:
				flags = 0x0
			case r < 30:
				flags = 0x6
				permanent++
			}
			if flags != 0 {
				hw = fmt.Sprintf("52:54:%02x:%02x:%02x:%02x", i>>24&0xff, i>>16&0xff, i>>8&0xff, i&0xff)
			}
		}
		fmt.Fprintf(b, "%-16s 0x%-10x0x%-10x%-17s     *        %s\n", ip, 1, flags, hw, dev)
	}
	return rows, permanent, proxy
}

// neighStat writes net/stat/arp_cache (or ndisc_cache) with two CPU rows
// and the kernel >= 5.15 spacing; entries is the global gauge.
func neighStat(b *bufio.Writer, entries int) {
	b.WriteString("entries  allocs   destroys hash_grows lookups  hits     res_failed rcv_probes_mcast rcv_probes_ucast periodic_gc_runs forced_gc_runs unresolved_discards table_fulls\n")
	for cpu := range 2 {
		fmt.Fprintf(b, "%08x %08x %08x %08x   %08x %08x %08x   %08x         %08x         %08x         %08x       %08x            %08x\n",
			entries, entries/2+cpu, entries/3, 9, 100000+cpu, 90000, 12, 0, 0, 500, 3, 0, 0)
	}
}

// ipvs writes net/ip_vs as ip_vs_info_seq_show prints it: TCP and UDP
// services (every tenth IPv6, some one-packet or persistent) and a few
// FWM services, each with servers real servers of varied weights (about
// 10% quiescent, weight 0) and connection counts.
func ipvs(b *bufio.Writer, services, servers int) (svcs, reals, weight0 int) {
	b.WriteString("IP Virtual Server version 1.2.1 (size=4096)\n" +
		"Prot LocalAddress:Port Scheduler Flags\n" +
		"  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n")
	rng := rand.New(rand.NewPCG(3, 4))
	scheds := []string{"wlc", "rr", "wrr", "lc", "sh"}
	fwds := []string{"Route", "Masq", "Tunnel", "Local"}
	for s := range services {
		proto := "TCP"
		if s%3 == 2 {
			proto = "UDP"
		}
		port := 1024 + s%40000
		sched := scheds[s%len(scheds)]
		switch {
		case s%100 == 50:
			fmt.Fprintf(b, "FWM  %08X %s ", s, sched)
		case s%10 == 9:
			fmt.Fprintf(b, "%s  [2001:0db8:0000:0000:0000:0000:%04x:%04x]:%04X %s ", proto, s>>16, s&0xffff, port, sched)
		default:
			fmt.Fprintf(b, "%s  %08X:%04X %s ", proto, 0x0A000000|s, port, sched)
			if proto == "UDP" && s%2 == 0 {
				b.WriteString("ops ")
			}
		}
		if s%4 == 0 {
			fmt.Fprintf(b, "persistent %d %08X\n", 30000, 0xFFFFFFFF)
		} else {
			b.WriteByte('\n')
		}
		for r := range servers {
			weight := 1 + rng.IntN(100)
			if rng.IntN(10) == 0 {
				weight = 0
				weight0++
			}
			fmt.Fprintf(b, "  -> %08X:%04X      %-7s %-6d %-10d %-10d\n",
				0x0B000000|s<<5|r, port, fwds[r%len(fwds)], weight, rng.IntN(100000), rng.IntN(1000000))
		}
	}
	return services, services * servers, weight0
}

// ipvsStats writes net/ip_vs_stats.
func ipvsStats(b *bufio.Writer) {
	b.WriteString("   Total Incoming Outgoing         Incoming         Outgoing\n" +
		"   Conns  Packets  Packets            Bytes            Bytes\n")
	fmt.Fprintf(b, "%8X %8X %8X %16X %16X\n", 0x2A0000, 0x1F40000, 0x1C20000, 0x1D4C00000, 0x2FAF0800)
	b.WriteString("\n Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n")
	fmt.Fprintf(b, "%8X %8X %8X %16X %16X\n", 1, 0x14, 0x12, 0x7D0, 0x1F40)
}

// perCPU writes net/ip_vs_stats_percpu with cpus rows (ids in hex), the
// "~" total row and the rates.
func perCPU(b *bufio.Writer, cpus int) {
	b.WriteString("       Total Incoming Outgoing         Incoming         Outgoing\n" +
		"CPU    Conns  Packets  Packets            Bytes            Bytes\n")
	rng := rand.New(rand.NewPCG(5, 6))
	var tot [5]uint64
	for c := range cpus {
		v := [5]uint64{rng.Uint64N(1 << 32), rng.Uint64N(1 << 40), rng.Uint64N(1 << 40), rng.Uint64N(1 << 56), rng.Uint64N(1 << 56)}
		for i := range v {
			tot[i] += v[i]
		}
		fmt.Fprintf(b, "%3X %8X %8X %8X %16X %16X\n", c, v[0], v[1], v[2], v[3], v[4])
	}
	fmt.Fprintf(b, "  ~ %8X %8X %8X %16X %16X\n", tot[0], tot[1], tot[2], tot[3], tot[4])
	b.WriteString("\n     Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n")
	fmt.Fprintf(b, "    %8X %8X %8X %16X %16X\n", 12, 345, 300, 45678, 40000)
}
