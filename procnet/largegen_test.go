package procnet

// Deterministic generators of large proc files in the kernel's own output
// formats, for benchmarks and allocation tests. Nothing generated here is
// committed: callers write it below a t.TempDir()/b.TempDir().

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// Sizes of the benchmark inputs.
const (
	largeARPRows        = 100_000
	largeIPVSServices   = 5_000
	largeIPVSRealPerSvc = 20
	largePerCPURows     = 256
)

// largeARPDevices are the devices of generated neighbour rows; every
// generated table of at least len(largeARPDevices) neighbour rows uses
// them all, so tables of different sizes have the same device set.
var largeARPDevices = []string{"eth0", "eth1", "eth2", "eth3", "bond0", "bond0.100", "ib0", "vlan2001"}

// genARP returns a net/arp of rows data rows as net/ipv4/arp.c prints them
// (arp_format_neigh_entry: "%-16s 0x%-10x0x%-10x%-17s     *        %s\n"):
// about 1% proxy rows at the end, as the kernel lists the proxy table
// after the neighbour table, and the neighbour rows a deterministic mix of
// complete (0x2), incomplete (0x0) and permanent (0x6) entries. Every HW
// address is 6 bytes, so procfs can parse the table too.
func genARP(rows int) []byte {
	var b bytes.Buffer
	b.Grow(rows*90 + 100)
	b.WriteString("IP address       HW type     Flags       HW address            Mask     Device\n")
	rng := rand.New(rand.NewPCG(1, 2))
	proxies := rows / 100
	for i := 0; i < rows; i++ {
		ip := fmt.Sprintf("10.%d.%d.%d", i>>16&0xff, i>>8&0xff, i&0xff)
		var flags int
		var hw, dev string
		if i >= rows-proxies {
			flags, hw, dev = 0xc, "00:00:00:00:00:00", "*"
			if i%2 == 0 {
				dev = "eth0"
			}
		} else {
			switch r := rng.IntN(100); {
			case r < 70:
				flags = 0x2
			case r < 85:
				flags = 0x0
			default:
				flags = 0x6
			}
			hw = "00:00:00:00:00:00"
			if flags != 0 {
				hw = fmt.Sprintf("52:54:%02x:%02x:%02x:%02x", i>>24&0xff, i>>16&0xff, i>>8&0xff, i&0xff)
			}
			dev = largeARPDevices[i%len(largeARPDevices)]
		}
		fmt.Fprintf(&b, "%-16s 0x%-10x0x%-10x%-17s     *        %s\n", ip, 1, flags, hw, dev)
	}
	return b.Bytes()
}

// genIPVS returns a net/ip_vs of services services with servers real
// servers each, as ip_vs_info_seq_show prints them. Services are TCP and
// UDP (every tenth IPv6), some persistent or one-packet; real servers
// have varied weights (some quiescent) and connection counts.
func genIPVS(services, servers int) []byte {
	var b bytes.Buffer
	b.Grow(services * (60 + servers*70))
	b.WriteString("IP Virtual Server version 1.2.1 (size=4096)\n" +
		"Prot LocalAddress:Port Scheduler Flags\n" +
		"  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n")
	rng := rand.New(rand.NewPCG(3, 4))
	scheds := []string{"wlc", "rr", "wrr", "lc", "sh"}
	fwds := []string{"Route", "Masq", "Tunnel", "Local"}
	for s := 0; s < services; s++ {
		proto := "TCP"
		if s%3 == 2 {
			proto = "UDP"
		}
		port := 1024 + s%40000
		sched := scheds[s%len(scheds)]
		if s%10 == 9 {
			fmt.Fprintf(&b, "%s  [2001:0db8:0000:0000:0000:0000:%04x:%04x]:%04X %s ", proto, s>>16, s&0xffff, port, sched)
		} else {
			fmt.Fprintf(&b, "%s  %08X:%04X %s ", proto, 0x0A000000|s, port, sched)
			if proto == "UDP" && s%2 == 0 {
				b.WriteString("ops ")
			}
		}
		if s%4 == 0 {
			fmt.Fprintf(&b, "persistent %d %08X\n", 300*100, 0xFFFFFFFF)
		} else {
			b.WriteByte('\n')
		}
		for r := 0; r < servers; r++ {
			weight := rng.IntN(101)
			if rng.IntN(10) == 0 {
				weight = 0
			}
			fmt.Fprintf(&b, "  -> %08X:%04X      %-7s %-6d %-10d %-10d\n",
				0x0B000000|s<<5|r, port, fwds[r%len(fwds)], weight, rng.IntN(100000), rng.IntN(1000000))
		}
	}
	return b.Bytes()
}

// genIPVSStatsPerCPU returns a net/ip_vs_stats_percpu of cpus CPU rows
// (ip_vs_stats_percpu_show), the "~" total of the rows and the rates.
func genIPVSStatsPerCPU(cpus int) []byte {
	var b bytes.Buffer
	b.WriteString("       Total Incoming Outgoing         Incoming         Outgoing\n" +
		"CPU    Conns  Packets  Packets            Bytes            Bytes\n")
	rng := rand.New(rand.NewPCG(5, 6))
	var tot IPVSCounters
	for c := 0; c < cpus; c++ {
		v := IPVSCounters{rng.Uint64N(1 << 32), rng.Uint64N(1 << 40), rng.Uint64N(1 << 40), rng.Uint64N(1 << 56), rng.Uint64N(1 << 56)}
		tot.Conns += v.Conns
		tot.InPackets += v.InPackets
		tot.OutPackets += v.OutPackets
		tot.InBytes += v.InBytes
		tot.OutBytes += v.OutBytes
		fmt.Fprintf(&b, "%3X %8X %8X %8X %16X %16X\n", c, v.Conns, v.InPackets, v.OutPackets, v.InBytes, v.OutBytes)
	}
	fmt.Fprintf(&b, "  ~ %8X %8X %8X %16X %16X\n", tot.Conns, tot.InPackets, tot.OutPackets, tot.InBytes, tot.OutBytes)
	b.WriteString("\n     Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n")
	fmt.Fprintf(&b, "    %8X %8X %8X %16X %16X\n", 12, 345, 300, 45678, 40000)
	return b.Bytes()
}

// writeLargeTree writes data as rel below a fresh temporary procfs root
// and returns the root.
func writeLargeTree(tb testing.TB, rel string, data []byte) string {
	tb.Helper()
	root := tb.TempDir()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return root
}
