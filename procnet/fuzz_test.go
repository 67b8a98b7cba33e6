package procnet

// Fuzz targets, one per parser. Each is seeded with every fixture file of
// its format under ../testdata and checks, beyond "no panic":
//
//   - every error is a *ParseError naming the file, with 0 <= Line <= the
//     number of lines + 1;
//   - on success, the result is consistent and survives a round trip
//     through the kernel's own output format, or agrees with an
//     independent reference (the full ARP parse for the counting pass, a
//     naive strings-based parser for the neighbour-cache statistics, a
//     regular expression for the kernel release).
//
// Run one with: go test -run '^$' -fuzz '^FuzzParseIPVS$' -fuzztime 75s ./procnet/
// Inputs that once failed are kept under testdata/fuzz/<FuzzName>/.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// addFixtureSeeds adds every fixture file at rel below ../testdata.
func addFixtureSeeds(f *testing.F, rel string) {
	f.Helper()
	matches, err := filepath.Glob(filepath.Join("../testdata", "*", filepath.FromSlash(rel)))
	if err != nil {
		f.Fatal(err)
	}
	if len(matches) == 0 {
		f.Fatalf("no fixture holds %s", rel)
	}
	for _, m := range matches {
		b, err := os.ReadFile(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// checkParseError fails unless err is a *ParseError for file name with a
// line number inside the input (or one past its end, for a read error).
func checkParseError(t *testing.T, err error, name string, data []byte) *ParseError {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *ParseError", err, err)
	}
	if pe.File != name {
		t.Fatalf("error %v names file %q, want %q", err, pe.File, name)
	}
	if lines := bytes.Count(data, []byte("\n")) + 1; pe.Line < 0 || pe.Line > lines+1 {
		t.Fatalf("error %v at line %d of an input of %d lines", err, pe.Line, lines)
	}
	if pe.Err == nil {
		t.Fatalf("*ParseError without a cause: %#v", pe)
	}
	return pe
}

// formatIPv6 prints a as the kernel's %pI6: 8 groups of 4 lower-case hex
// digits.
func formatIPv6(b [16]byte) string {
	var sb strings.Builder
	for g := 0; g < 8; g++ {
		if g > 0 {
			sb.WriteByte(':')
		}
		fmt.Fprintf(&sb, "%02x%02x", b[2*g], b[2*g+1])
	}
	return sb.String()
}

func formatIPVSAddrPort(s *Service, rs *RealServer) string {
	a, port := s.Addr, s.Port
	if rs != nil {
		a, port = rs.Addr, rs.Port
	}
	if a.Is4() {
		b := a.As4()
		return fmt.Sprintf("%02X%02X%02X%02X:%04X", b[0], b[1], b[2], b[3], port)
	}
	return fmt.Sprintf("[%s]:%04X", formatIPv6(a.As16()), port)
}

// ipvsHeader is the three header lines of net/ip_vs.
const ipvsHeader = "IP Virtual Server version 1.2.1 (size=4096)\n" +
	"Prot LocalAddress:Port Scheduler Flags\n" +
	"  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n"

// formatIPVS prints services the way ip_vs_info_seq_show does.
func formatIPVS(services []Service) []byte {
	var b bytes.Buffer
	b.WriteString(ipvsHeader)
	for i := range services {
		s := &services[i]
		if s.IsFWM() {
			fmt.Fprintf(&b, "FWM  %08X %s ", s.FirewallMark, s.Scheduler)
		} else {
			fmt.Fprintf(&b, "%s  %s %s ", s.Protocol, formatIPVSAddrPort(s, nil), s.Scheduler)
		}
		if s.OnePacket {
			b.WriteString("ops ")
		}
		if s.Persistent {
			fmt.Fprintf(&b, "persistent %d %08X", s.PersistenceTimeout, s.PersistenceNetmask)
		}
		b.WriteByte('\n')
		for j := range s.RealServers {
			rs := &s.RealServers[j]
			fmt.Fprintf(&b, "  -> %s      %-7s %-6d %-10d %-10d\n", formatIPVSAddrPort(s, rs), rs.Forward, rs.Weight, rs.ActiveConns, rs.InactiveConns)
		}
	}
	return b.Bytes()
}

func parseIPVSAll(data []byte, name string, check func(*Service)) ([]Service, error) {
	var out []Service
	err := parseIPVS(bytes.NewReader(data), name, func(s *Service) error {
		if check != nil {
			check(s)
		}
		c := *s
		c.RealServers = append([]RealServer(nil), s.RealServers...)
		out = append(out, c)
		return nil
	})
	return out, err
}

func FuzzParseIPVS(f *testing.F) {
	addFixtureSeeds(f, "net/ip_vs")
	f.Add([]byte(ipvsHeader + "TCP  0A000001:0050 wlc \r\n\t-> 0A000102:0050 Route 1 3 17\r\n"))
	f.Add([]byte(ipvsHeader + "IP_255  FFFFFFFF:FFFF none ops persistent 18446744073709551615 FFFFFFFF\n"))
	f.Add([]byte(ipvsHeader + "IP_51  0A000001:0000 rr\n  -> 0A000102:0000 Route 2147483647 -1 -2147483648\n"))
	f.Add([]byte(ipvsHeader + "TCP  0A000001:0050 wlc\n  -> 0A000102:0050 Route 100000 -0 4294967295\n  -> 0A000103:0050 Masq 4294967296 - --1\n"))
	const name = "/proc/net/ip_vs"
	f.Fuzz(func(t *testing.T, data []byte) {
		services, err := parseIPVSAll(data, name, func(s *Service) {
			if s.Protocol == "" || s.Scheduler == "" {
				t.Fatalf("service without protocol or scheduler: %+v", s)
			}
			if s.IsFWM() == s.Addr.IsValid() {
				t.Fatalf("FWM %v but address %v: %+v", s.IsFWM(), s.Addr, s)
			}
			if !s.Persistent && (s.PersistenceTimeout != 0 || s.PersistenceNetmask != 0) {
				t.Fatalf("persistence values without the persistent flag: %+v", s)
			}
			for _, rs := range s.RealServers {
				if !rs.Addr.IsValid() || rs.Forward == "" {
					t.Fatalf("real server without address or forward method: %+v", rs)
				}
			}
		})
		if err != nil {
			checkParseError(t, err, name, data)
			return
		}
		again, err := parseIPVSAll(formatIPVS(services), name, nil)
		if err != nil {
			t.Fatalf("our own rendering of %+v does not parse: %v", services, err)
		}
		if len(services) == 0 && len(again) == 0 {
			return
		}
		if !reflect.DeepEqual(services, again) {
			t.Fatalf("round trip changed the services:\n%+v\n%+v", services, again)
		}
	})
}

func formatIPVSStats(st IPVSStats) []byte {
	c1, c2 := st.Totals, st.Rates
	return fmt.Appendf(nil,
		"   Total Incoming Outgoing         Incoming         Outgoing\n"+
			"   Conns  Packets  Packets            Bytes            Bytes\n"+
			"%8X %8X %8X %16X %16X\n\n"+
			" Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n"+
			"%8X %8X %8X %16X %16X\n",
		c1.Conns, c1.InPackets, c1.OutPackets, c1.InBytes, c1.OutBytes,
		c2.Conns, c2.InPackets, c2.OutPackets, c2.InBytes, c2.OutBytes)
}

func FuzzParseIPVSStats(f *testing.F) {
	addFixtureSeeds(f, "net/ip_vs_stats")
	f.Add(formatIPVSStats(IPVSStats{Totals: IPVSCounters{1<<64 - 1, 0, 1, 2, 3}}))
	const name = "/proc/net/ip_vs_stats"
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := parseIPVSStats(bytes.NewReader(data), name)
		if err != nil {
			checkParseError(t, err, name, data)
			return
		}
		again, err := parseIPVSStats(bytes.NewReader(formatIPVSStats(st)), name)
		if err != nil || again != st {
			t.Fatalf("round trip: %+v -> %+v, %v", st, again, err)
		}
	})
}

func formatIPVSStatsPerCPU(st IPVSStatsPerCPU) []byte {
	var b bytes.Buffer
	b.WriteString("       Total Incoming Outgoing         Incoming         Outgoing\n" +
		"CPU    Conns  Packets  Packets            Bytes            Bytes\n")
	row := func(lead string, c IPVSCounters) {
		fmt.Fprintf(&b, "%s %8X %8X %8X %16X %16X\n", lead, c.Conns, c.InPackets, c.OutPackets, c.InBytes, c.OutBytes)
	}
	for _, c := range st.CPUs {
		row(fmt.Sprintf("%3X", c.CPU), c.Counters)
	}
	row("  ~", st.Total)
	b.WriteString("\n     Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n")
	row("   ", st.Rates)
	return b.Bytes()
}

func FuzzParseIPVSStatsPerCPU(f *testing.F) {
	addFixtureSeeds(f, "net/ip_vs_stats_percpu")
	const name = "/proc/net/ip_vs_stats_percpu"
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := parseIPVSStatsPerCPU(bytes.NewReader(data), name)
		if err != nil {
			checkParseError(t, err, name, data)
			return
		}
		seen := map[uint32]bool{}
		for _, c := range st.CPUs {
			if seen[c.CPU] {
				t.Fatalf("CPU %d twice in %+v", c.CPU, st.CPUs)
			}
			seen[c.CPU] = true
		}
		again, err := parseIPVSStatsPerCPU(bytes.NewReader(formatIPVSStatsPerCPU(st)), name)
		if err != nil {
			t.Fatalf("our own rendering does not parse: %v", err)
		}
		if len(st.CPUs) == 0 && len(again.CPUs) == 0 {
			again.CPUs = st.CPUs
		}
		if !reflect.DeepEqual(st, again) {
			t.Fatalf("round trip:\n%+v\n%+v", st, again)
		}
	})
}

// arpHeader is the header line of net/arp.
const arpHeader = "IP address       HW type     Flags       HW address            Mask     Device\n"

func FuzzParseARP(f *testing.F) {
	addFixtureSeeds(f, "net/arp")
	f.Add([]byte(arpHeader + "10.0.0.1 0x1 0x2 52:54:00:12:34:56 * eth0\r\n\n10.0.0.2 1 12 * eth1\n"))
	// The full parse goes through an FS, as the plugins call it. Inputs
	// run one at a time in each process, so one tree is rewritten for
	// each: a fresh t.TempDir() per input would cost more than the parse.
	root := f.TempDir()
	path := filepath.Join(root, "net", "arp")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "arp"
		sum, cerr := parseARPCounts(bytes.NewReader(data), name)

		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		entries, ferr := NewFS(root).ARPEntries()

		if (cerr == nil) != (ferr == nil) {
			t.Fatalf("counting pass error %v, full parse error %v: they must agree", cerr, ferr)
		}
		if cerr != nil {
			cl := checkParseError(t, cerr, name, data).Line
			fl := checkParseError(t, ferr, path, data).Line
			if cl != fl {
				t.Fatalf("counting pass fails at line %d (%v), full parse at line %d (%v)", cl, cerr, fl, ferr)
			}
			return
		}

		var want ARPCounts
		perDev := map[string]ARPCounts{}
		for _, e := range entries {
			if !e.IP.Is4() {
				t.Fatalf("entry with a non-IPv4 address: %+v", e)
			}
			want.add(e.State())
			c := perDev[e.Device]
			c.add(e.State())
			perDev[e.Device] = c
		}
		if sum.ARPCounts != want {
			t.Fatalf("counting pass %+v, full parse %+v", sum.ARPCounts, want)
		}
		if sum.Total() != uint64(len(entries)) {
			t.Fatalf("total %d, %d entries", sum.Total(), len(entries))
		}
		var bySum ARPCounts
		got := map[string]ARPCounts{}
		for d, c := range sum.PerDevice {
			got[d] = *c
			bySum.Complete += c.Complete
			bySum.Incomplete += c.Incomplete
			bySum.Permanent += c.Permanent
			bySum.Proxy += c.Proxy
		}
		if bySum != sum.ARPCounts {
			t.Fatalf("per-device counts sum to %+v, totals are %+v", bySum, sum.ARPCounts)
		}
		if !reflect.DeepEqual(got, perDev) {
			t.Fatalf("per device: counting pass %+v, full parse %+v", got, perDev)
		}
	})
}

// naiveNeighCacheStats is an independent reference for
// parseNeighCacheStats: whole-line splitting, strconv, a map by header.
// It returns ok=false where the real parser must fail.
func naiveNeighCacheStats(data []byte) (NeighCacheStats, bool) {
	var st NeighCacheStats
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, maxLineLength)
	fields := func(s string) []string {
		return strings.FieldsFunc(s, func(r rune) bool {
			return r == ' ' || r == '\t' || r == '\r' || r == '\v' || r == '\f'
		})
	}
	if !sc.Scan() {
		return st, false
	}
	header := fields(sc.Text())
	if len(header) > 32 {
		return st, false
	}
	entries := -1
	for i, h := range header {
		if h == "entries" {
			entries = i
		}
	}
	if entries < 0 {
		return st, false
	}
	sums := map[string]uint64{}
	for sc.Scan() {
		row := fields(sc.Text())
		if len(row) == 0 {
			continue
		}
		if len(row) != len(header) {
			return st, false
		}
		for i, v := range row {
			n, err := strconv.ParseUint(v, 16, 64)
			if err != nil || strings.HasPrefix(v, "+") || strings.HasPrefix(v, "-") {
				return st, false
			}
			switch {
			case i == entries:
				if st.CPURows == 0 {
					st.Entries = n
				}
			case header[i] == "entries":
				// an earlier duplicate of the entries column: ignored
			default:
				sums[header[i]] += n
			}
		}
		st.CPURows++
	}
	if sc.Err() != nil || st.CPURows == 0 {
		return st, false
	}
	for _, h := range header {
		if h == "entries" {
			continue
		}
		if p := st.neighColumn(h); p != nil {
			*p = sums[h]
		}
	}
	return st, true
}

func FuzzParseNeighCacheStats(f *testing.F) {
	addFixtureSeeds(f, "net/stat/arp_cache")
	addFixtureSeeds(f, "net/stat/ndisc_cache")
	f.Add([]byte("entries hits entries hits\n1 2 3 4\n5 6 7 8\n"))
	const name = "/proc/net/stat/arp_cache"
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := parseNeighCacheStats(bytes.NewReader(data), name)
		ref, ok := naiveNeighCacheStats(data)
		if err != nil {
			checkParseError(t, err, name, data)
			if ok {
				t.Fatalf("error %v, but the reference parses %+v", err, ref)
			}
			return
		}
		if !ok {
			t.Fatalf("parsed %+v, but the reference rejects the input", st)
		}
		if st != ref {
			t.Fatalf("parsed %+v\nreference %+v", st, ref)
		}
		if st.CPURows < 1 {
			t.Fatalf("success with %d CPU rows", st.CPURows)
		}
	})
}

var kernelReleaseRE = regexp.MustCompile(`^([0-9]{1,6})\.([0-9]{1,6})(?:\.([0-9]{1,6}))?`)

func FuzzParseKernelRelease(f *testing.F) {
	matches, _ := filepath.Glob("../testdata/*/sys/kernel/osrelease")
	for _, m := range matches {
		b, err := os.ReadFile(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(strings.TrimSpace(string(b)))
	}
	for _, s := range []string{"6.1.0-13-amd64", "2.6.32-754.el6.x86_64", "5.4-rc1", "6", "", "999999.999999.9999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseKernelRelease(s)
		m := kernelReleaseRE.FindStringSubmatch(s)
		if err != nil {
			// parseKernelRelease is not a file parser: KernelVersion wraps
			// its error in a *ParseError with the file name.
			if m != nil {
				t.Fatalf("%q: error %v, but it matches %v", s, err, m)
			}
			if !strings.Contains(err.Error(), "want major.minor") {
				t.Fatalf("%q: unexpected error %v", s, err)
			}
			return
		}
		if m == nil {
			t.Fatalf("%q parsed as %+v, but it does not match major.minor", s, v)
		}
		atoi := func(s string) int {
			if s == "" {
				return 0
			}
			n, _ := strconv.Atoi(s)
			return n
		}
		if v.Major != atoi(m[1]) || v.Minor != atoi(m[2]) || v.Patch != atoi(m[3]) || v.Release != s {
			t.Fatalf("%q parsed as %+v, reference %v", s, v, m[1:])
		}
		if !v.AtLeast(v.Major, v.Minor) || v.AtLeast(v.Major, v.Minor+1) {
			t.Fatalf("%+v: AtLeast inconsistent", v)
		}
	})
}

// FuzzSplitFields checks the word-at-a-time field splitter under every
// parser against bytes.FieldsFunc with the same separators.
func FuzzSplitFields(f *testing.F) {
	addFixtureSeeds(f, "net/arp")
	addFixtureSeeds(f, "net/ip_vs")
	f.Add([]byte("a\x00b \x01\tc\v\fd\r        e\x7f\x80\xff        \x20"))
	f.Fuzz(func(t *testing.T, line []byte) {
		got := splitFields(line, nil)
		// Every separator is ASCII, and bytes of a multi-byte or invalid
		// UTF-8 sequence never are, so FieldsFunc is an exact reference.
		ref := bytes.FieldsFunc(line, func(r rune) bool {
			return r == ' ' || r == '\t' || r == '\r' || r == '\v' || r == '\f'
		})
		if len(got) != len(ref) {
			t.Fatalf("%q: %d fields %q, want %d %q", line, len(got), got, len(ref), ref)
		}
		for i := range ref {
			if !bytes.Equal(got[i], ref[i]) {
				t.Fatalf("%q: field %d is %q, want %q", line, i, got[i], ref[i])
			}
		}
	})
}
