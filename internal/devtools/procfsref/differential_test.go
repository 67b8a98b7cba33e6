package main

// Differential tests of procnet against github.com/prometheus/procfs
// v0.23.0: both parse every fixture tree under the repository's testdata/
// that holds the file, and must give the same answers wherever procfs is
// right. Where procfs is wrong, the difference is predicted by a model of
// its fault (procfsIPVSModel, procfsARPRowError) and asserted exactly; for
// the repository's own fixtures the predicted differences are also pinned
// in hand-written tables (ipvsFixtureDiffs, arpRowDiffs), and the claims
// are checked on purpose-made inputs. Nothing is skipped: a fixture our
// parser rejects must be rejected by procfs too, unless it is listed in
// procfsAcceptsDamage, and a table entry that no longer occurs fails.
//
// What procfs v0.23.0 gets wrong, as established here (file:line in
// $(go env GOMODCACHE)/github.com/prometheus/procfs@v0.23.0):
//
//   - ipvs.go:158-175 (parseIPVSBackendStatus) recognises only service
//     lines starting with TCP, UDP or FWM. Any other service line (SCTP,
//     IP_<n>) falls through the switch without resetting the current
//     service, so its real servers are filed under the PREVIOUS service:
//     under an FWM mark in lvs-director, under an empty service that then
//     seems to have a real server in ipvs-mixed-offenders, or under an
//     empty protocol and a nil address when it is the file's first service.
//   - ipvs.go:177 skips real-server lines of fewer than 6 fields silently
//     instead of reporting the damage.
//   - A service without real servers yields no row at all (the result is
//     a list of real servers), so procfs cannot tell such a service exists.
//     This is a limit of its data model, not a parse error: the pair
//     comparison agrees, and the empty services are asserted absent.
//   - arp.go:79-86 accepts only 6-field rows: a device without a hardware
//     address (addr_len 0, e.g. wireguard) prints an empty HW address
//     field, a 5-field row, and procfs fails the whole file (with an error
//     text ending in "%!w(<nil>)": it wraps a nil error).
//   - arp.go:99 parses the HW address with net.ParseMAC, which accepts only
//     6-, 8- and 20-byte addresses: the kernel's 9-byte truncation of an
//     InfiniBand address fails the whole file.
//   - netstat.go:80-83 indexes headers[num] with the column number of a
//     data row: a row with more values than the header has columns panics
//     (index out of range), and a row with fewer is accepted silently.
//
// IPv6 services, mixed-family real servers, FWM services, ip_vs_stats
// totals and the neighbour-cache statistics of well-formed files agree.

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/procfs"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// fixtures is the repository's testdata/, the procfs trees of every test.
const fixtures = "../../../testdata"

// treesWith returns every fixture tree under fixtures holding rel, and
// fails when there are fewer than atLeast of them (a renamed fixture must not
// turn the differential test into a no-op).
func treesWith(t *testing.T, rel string, atLeast int) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(fixtures, "*", rel))
	if err != nil {
		t.Fatal(err)
	}
	var roots []string
	for _, m := range matches {
		roots = append(roots, strings.TrimSuffix(m, string(filepath.Separator)+filepath.FromSlash(rel)))
	}
	if len(roots) < atLeast {
		t.Fatalf("%d fixture trees hold %s, want at least %d", len(roots), rel, atLeast)
	}
	return roots
}

func procfsFS(t *testing.T, root string) procfs.FS {
	t.Helper()
	pfs, err := procfs.NewFS(root)
	if err != nil {
		t.Fatalf("procfs.NewFS(%s): %v", root, err)
	}
	return pfs
}

// writeTree writes files (relative path -> content) into a fresh procfs
// tree and returns its root.
func writeTree(t testing.TB, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestDifferentialIPVSStats(t *testing.T) {
	for _, root := range treesWith(t, "net/ip_vs_stats", 2) {
		t.Run(filepath.Base(root), func(t *testing.T) {
			ours, err := procnet.NewFS(root).IPVSStats()
			theirs, perr := procfsFS(t, root).IPVSStats()
			if err != nil {
				checkDamaged(t, root, "net/ip_vs_stats", err, perr)
				return
			}
			if perr != nil {
				t.Fatalf("procfs: %v", perr)
			}
			conv := procnet.IPVSCounters{
				Conns:      theirs.Connections,
				InPackets:  theirs.IncomingPackets,
				OutPackets: theirs.OutgoingPackets,
				InBytes:    theirs.IncomingBytes,
				OutBytes:   theirs.OutgoingBytes,
			}
			if ours.Totals != conv {
				t.Errorf("totals: ours %+v, procfs %+v", ours.Totals, conv)
			}
		})
	}
}

// ipvsPair is one (service, real server) pair in the shape procfs gives.
type ipvsPair struct {
	Proto      string
	Local      netip.Addr // invalid for FWM services
	LocalPort  uint16
	Mark       string // FWM only, as printed (procfs keeps the text)
	Remote     netip.Addr
	RemotePort uint16
	Weight     uint64
	Active     uint64
	Inactive   uint64
}

func (p ipvsPair) String() string {
	svc := fmt.Sprintf("%s %v:%d", p.Proto, p.Local, p.LocalPort)
	if p.Mark != "" {
		svc = fmt.Sprintf("%s mark %s", p.Proto, p.Mark)
	}
	return fmt.Sprintf("%s -> %v:%d w=%d a=%d i=%d", svc, p.Remote, p.RemotePort, p.Weight, p.Active, p.Inactive)
}

func addrOf(ip net.IP) netip.Addr {
	if ip == nil {
		return netip.Addr{}
	}
	// procfs gives 4 bytes for an IPv4 address (hex.DecodeString) and 16
	// for an IPv6 one (net.ParseIP), so the family survives.
	a, _ := netip.AddrFromSlice(ip)
	return a
}

func ourPairs(services []procnet.Service) []ipvsPair {
	var out []ipvsPair
	for _, s := range services {
		for _, rs := range s.RealServers {
			p := ipvsPair{
				Proto:      s.Protocol,
				Local:      s.Addr,
				LocalPort:  s.Port,
				Remote:     rs.Addr,
				RemotePort: rs.Port,
				Weight:     uint64(rs.Weight),
				Active:     rs.ActiveConns,
				Inactive:   rs.InactiveConns,
			}
			if s.IsFWM() {
				p.Mark = fmt.Sprintf("%08X", s.FirewallMark)
			}
			out = append(out, p)
		}
	}
	return out
}

func procfsPairs(st []procfs.IPVSBackendStatus) []ipvsPair {
	var out []ipvsPair
	for _, b := range st {
		out = append(out, ipvsPair{
			Proto:      b.Proto,
			Local:      addrOf(b.LocalAddress),
			LocalPort:  b.LocalPort,
			Mark:       b.LocalMark,
			Remote:     addrOf(b.RemoteAddress),
			RemotePort: b.RemotePort,
			Weight:     b.Weight,
			Active:     b.ActiveConn,
			Inactive:   b.InactConn,
		})
	}
	return out
}

// pairDiff is an expected difference: procfs reports theirs where we
// report ours.
type pairDiff struct {
	ours, theirs ipvsPair
	why          string
}

// applyDiffs replaces every expected difference in ours by what procfs is
// expected to report, failing on a difference that does not occur.
func applyDiffs(t *testing.T, ours []ipvsPair, diffs []pairDiff) []ipvsPair {
	t.Helper()
	out := append([]ipvsPair(nil), ours...)
	for _, d := range diffs {
		n := 0
		for i := range out {
			if out[i] == d.ours {
				out[i] = d.theirs
				n++
			}
		}
		if n != 1 {
			t.Errorf("expected difference (%s) matched %d of our rows, want 1: %v", d.why, n, d.ours)
		}
	}
	return out
}

func comparePairs(t *testing.T, want, got []ipvsPair) {
	t.Helper()
	if reflect.DeepEqual(want, got) {
		return
	}
	t.Errorf("procfs gives %d pairs, expected %d", len(got), len(want))
	for i := 0; i < max(len(want), len(got)); i++ {
		var w, g string
		if i < len(want) {
			w = want[i].String()
		}
		if i < len(got) {
			g = got[i].String()
		}
		if w != g {
			t.Errorf("pair %d:\n  expected %s\n  procfs   %s", i, w, g)
		}
	}
}

const ipvsHeader = "IP Virtual Server version 1.2.1 (size=4096)\n" +
	"Prot LocalAddress:Port Scheduler Flags\n" +
	"  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n"

var (
	mustAddr = netip.MustParseAddr
	// sctpWhy is why an SCTP real server moves.
	sctpWhy = "procfs ipvs.go:158-175 ignores the SCTP service line; its real server stays under the previous service"
)

// procfsIPVSModel predicts what procfs's IPVSBackendStatus makes of the
// services we parsed, by applying its one known fault (ipvs.go:158-175):
// only TCP, UDP and FWM service lines set the current service, so the real
// servers of any other service (SCTP, IP_<n>) are filed under the previous
// TCP/UDP/FWM service, or under an empty protocol and a nil address when
// there is none. It returns the predicted pairs and each difference.
func procfsIPVSModel(services []procnet.Service) ([]ipvsPair, []pairDiff) {
	var pred []ipvsPair
	var diffs []pairDiff
	var cur ipvsPair // the service procfs believes current
	for _, s := range services {
		ours := ourPairs([]procnet.Service{s})
		switch s.Protocol {
		case "TCP", "UDP", "FWM":
			if len(ours) > 0 {
				cur = ours[0]
			} else {
				cur = ipvsPair{Proto: s.Protocol, Local: s.Addr, LocalPort: s.Port}
				if s.IsFWM() {
					cur.Mark = fmt.Sprintf("%08X", s.FirewallMark)
				}
			}
			pred = append(pred, ours...)
			continue
		}
		for _, p := range ours {
			q := p
			q.Proto, q.Local, q.LocalPort, q.Mark = cur.Proto, cur.Local, cur.LocalPort, cur.Mark
			pred = append(pred, q)
			diffs = append(diffs, pairDiff{ours: p, theirs: q, why: s.Protocol + " service line ignored"})
		}
	}
	return pred, diffs
}

// ipvsFixtureDiffs pins, for fixture trees of this package's own, every
// difference the model predicts, so that the model itself is checked
// against hand-written expectations. Trees added later are checked
// against the model alone.
var ipvsFixtureDiffs = map[string][]pairDiff{
	"lvs-director": {{
		ours:   ipvsPair{Proto: "SCTP", Local: mustAddr("10.0.0.2"), LocalPort: 3868, Remote: mustAddr("10.0.1.6"), RemotePort: 3868, Weight: 65535, Active: 4294967295},
		theirs: ipvsPair{Proto: "FWM", Mark: "00000001", Remote: mustAddr("10.0.1.6"), RemotePort: 3868, Weight: 65535, Active: 4294967295},
		why:    sctpWhy,
	}},
	"ipvs-all-quiescent": nil,
	"ipvs-no-services":   nil,
}

// procfsAcceptsDamage lists the fixture files our parsers reject (damaged
// on purpose) that procfs nevertheless parses without an error, and why.
// Any other damaged fixture must be rejected by procfs too.
var procfsAcceptsDamage = map[string]string{
	"arp-table-malformed-stat/net/stat/arp_cache": "netstat.go:80-83 accepts a row shorter than the header",
}

// procfsRejectsKernelOutput lists fixture files that print what the
// kernel can print and procfs v0.23.0 fails on as a whole, with why.
var procfsRejectsKernelOutput = map[string]string{
	"ipvs-weight-above-65535/net/ip_vs": "ipvs.go parses ActiveConn with ParseUint: a count the kernel left at -1 fails the file",
}

// checkDamaged asserts what procfs makes of a fixture file we reject.
func checkDamaged(t *testing.T, root, rel string, ours, theirs error) {
	t.Helper()
	var pe *procnet.ParseError
	if !errors.As(ours, &pe) {
		t.Fatalf("our error %v is not a *ParseError", ours)
	}
	key := filepath.Base(root) + "/" + rel
	why, listed := procfsAcceptsDamage[key]
	switch {
	case listed && theirs != nil:
		t.Errorf("%s is listed as accepted by procfs (%s), but procfs fails: %v", key, why, theirs)
	case !listed && theirs == nil:
		t.Errorf("we reject %s (%v) but procfs accepts it: list it in procfsAcceptsDamage if procfs is wrong", key, ours)
	}
}

func TestDifferentialIPVSFixtures(t *testing.T) {
	seen := map[string]bool{}
	for _, root := range treesWith(t, "net/ip_vs", 3) {
		name := filepath.Base(root)
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			services, err := procnet.NewFS(root).IPVSServices()
			st, perr := procfsFS(t, root).IPVSBackendStatus()
			if err != nil {
				checkDamaged(t, root, "net/ip_vs", err, perr)
				return
			}
			if why, listed := procfsRejectsKernelOutput[name+"/net/ip_vs"]; listed {
				if perr == nil {
					t.Fatalf("listed as rejected by procfs (%s), but procfs accepts it", why)
				}
				t.Logf("procfs rejects it (%s): %v", why, perr)
				return
			}
			if perr != nil {
				t.Fatalf("procfs: %v", perr)
			}
			pred, diffs := procfsIPVSModel(services)
			comparePairs(t, pred, procfsPairs(st))
			for _, d := range diffs {
				t.Logf("expected difference (%s): ours %v, procfs %v", d.why, d.ours, d.theirs)
			}
			if want, pinned := ipvsFixtureDiffs[name]; pinned {
				// The model must predict exactly the pinned differences.
				if got := applyDiffs(t, ourPairs(services), want); !reflect.DeepEqual(got, pred) {
					t.Errorf("the model predicts %d differences %v, the table pins %d", len(diffs), diffs, len(want))
				}
			}
		})
	}
	for name := range ipvsFixtureDiffs {
		if !seen[name] {
			t.Errorf("expected-difference table names %s, which is not a fixture tree with net/ip_vs", name)
		}
	}

	// The lead's claim, checked on our own fixture: lvs-director has an
	// SCTP service with a real server, empty services, IPv6 and FWM
	// services (so the checks above are not vacuous), and procfs has no
	// row for its empty services.
	root := filepath.Join(fixtures, "lvs-director")
	services, err := procnet.NewFS(root).IPVSServices()
	if err != nil {
		t.Fatal(err)
	}
	st, err := procfsFS(t, root).IPVSBackendStatus()
	if err != nil {
		t.Fatal(err)
	}
	var sctp, empty, v6, fwm int
	for _, s := range services {
		switch {
		case s.Protocol == "SCTP" && len(s.RealServers) > 0:
			sctp++
		case len(s.RealServers) == 0:
			empty++
			for _, p := range procfsPairs(st) {
				if p.Proto == s.Protocol && p.Local == s.Addr && p.LocalPort == s.Port {
					t.Errorf("procfs has a row %v for the empty service %s %v:%d", p, s.Protocol, s.Addr, s.Port)
				}
			}
		}
		if s.Addr.Is6() {
			v6++
		}
		if s.IsFWM() {
			fwm++
		}
	}
	if sctp == 0 || empty < 2 || v6 < 2 || fwm == 0 {
		t.Errorf("lvs-director fixture lost coverage: %d SCTP with real servers, %d empty, %d IPv6, %d FWM services", sctp, empty, v6, fwm)
	}
}

// TestDifferentialIPVSSynthetic checks each claim about procfs on a
// purpose-made net/ip_vs.
func TestDifferentialIPVSSynthetic(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		diffs []pairDiff
		// oursErr: our parser rejects the input (a damaged file); then
		// procfsWant is what procfs makes of it instead.
		oursErr    string
		procfsWant []ipvsPair
	}{
		{
			name: "IPv6 service with mixed-family real servers agrees",
			body: "TCP  [2001:0db8:0000:0000:0000:0000:0000:0001]:0050 sh \n" +
				"  -> [2001:0db8:0000:0000:0000:0000:0000:0102]:0050      Masq    1      0          0         \n" +
				"  -> 0A000105:0050      Tunnel  7      2          3         \n" +
				"UDP  0A000001:0035 rr \n" +
				"  -> [2001:0db8:0000:0000:0000:0000:0000:0104]:0035      Masq    4      5          6         \n",
		},
		{
			name: "FWM services agree",
			body: "FWM  00000001 wrr \n" +
				"  -> 0A000104:0000      Tunnel  2      1          0         \n" +
				"FWM  0000ABCD rr \n" +
				"  -> [2001:0db8:0000:0000:0000:0000:0000:0104]:0000      Route   3      0          1         \n",
		},
		{
			name: "SCTP first in the file: procfs files its real server under no service",
			body: "SCTP  0A000002:0F1C rr \n" +
				"  -> 0A000106:0F1C      Masq    1      2          3         \n" +
				"TCP  0A000001:0050 wlc \n" +
				"  -> 0A000102:0050      Route   1      3          17        \n",
			diffs: []pairDiff{{
				ours:   ipvsPair{Proto: "SCTP", Local: mustAddr("10.0.0.2"), LocalPort: 3868, Remote: mustAddr("10.0.1.6"), RemotePort: 3868, Weight: 1, Active: 2, Inactive: 3},
				theirs: ipvsPair{Proto: "", Remote: mustAddr("10.0.1.6"), RemotePort: 3868, Weight: 1, Active: 2, Inactive: 3},
				why:    "procfs ipvs.go:158-175: no service recognised yet, so empty protocol and nil address",
			}},
		},
		{
			name: "SCTP after TCP: procfs files its real server under the TCP service",
			body: "TCP  0A000001:0050 wlc \n" +
				"  -> 0A000102:0050      Route   1      3          17        \n" +
				"SCTP  0A000002:0F1C rr \n" +
				"  -> 0A000106:0F1C      Masq    1      2          3         \n",
			diffs: []pairDiff{{
				ours:   ipvsPair{Proto: "SCTP", Local: mustAddr("10.0.0.2"), LocalPort: 3868, Remote: mustAddr("10.0.1.6"), RemotePort: 3868, Weight: 1, Active: 2, Inactive: 3},
				theirs: ipvsPair{Proto: "TCP", Local: mustAddr("10.0.0.1"), LocalPort: 80, Remote: mustAddr("10.0.1.6"), RemotePort: 3868, Weight: 1, Active: 2, Inactive: 3},
				why:    sctpWhy,
			}},
		},
		{
			name: "IP_<n> service: same misfiling as SCTP",
			body: "UDP  0A000001:0035 rr \n" +
				"  -> 0A000104:0035      Tunnel  1      0          5         \n" +
				"IP_47  0A000004:0000 lc \n" +
				"  -> 0A000108:0000      Tunnel  9      8          7         \n",
			diffs: []pairDiff{{
				ours:   ipvsPair{Proto: "IP_47", Local: mustAddr("10.0.0.4"), Remote: mustAddr("10.0.1.8"), Weight: 9, Active: 8, Inactive: 7},
				theirs: ipvsPair{Proto: "UDP", Local: mustAddr("10.0.0.1"), LocalPort: 53, Remote: mustAddr("10.0.1.8"), Weight: 9, Active: 8, Inactive: 7},
				why:    "procfs ipvs.go:158-175 ignores IP_<n> service lines too",
			}},
		},
		{
			name: "SCTP after an empty service: procfs gives the empty service a real server",
			body: "UDP  [2001:0db8:0000:0000:0000:0000:0000:0053]:0035 rr \n" +
				"SCTP  0A000002:0F1C none  \n" +
				"  -> 0A000106:0F1C      Local   1      4          0         \n",
			diffs: []pairDiff{{
				ours:   ipvsPair{Proto: "SCTP", Local: mustAddr("10.0.0.2"), LocalPort: 3868, Remote: mustAddr("10.0.1.6"), RemotePort: 3868, Weight: 1, Active: 4},
				theirs: ipvsPair{Proto: "UDP", Local: mustAddr("2001:db8::53"), LocalPort: 53, Remote: mustAddr("10.0.1.6"), RemotePort: 3868, Weight: 1, Active: 4},
				why:    sctpWhy,
			}},
		},
		{
			name: "service without real servers: no row in either",
			body: "UDP  0A000003:13C4 wlc ops persistent 90000 FFFFFF00\n" +
				"TCP  0A000001:0050 wlc \n",
		},
		{
			name: "truncated real-server line: we fail, procfs skips it silently",
			body: "TCP  0A000001:0050 wlc \n" +
				"  -> 0A000102:0050      Route   1      3\n" +
				"  -> 0A000103:0050      Route   1      4          5\n",
			oursErr: "want 6",
			procfsWant: []ipvsPair{
				{Proto: "TCP", Local: mustAddr("10.0.0.1"), LocalPort: 80, Remote: mustAddr("10.0.1.3"), RemotePort: 80, Weight: 1, Active: 4, Inactive: 5},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := writeTree(t, map[string]string{"net/ip_vs": ipvsHeader + tt.body})
			st, err := procfsFS(t, root).IPVSBackendStatus()
			if err != nil {
				t.Fatalf("procfs: %v", err)
			}
			theirs := procfsPairs(st)
			services, err := procnet.NewFS(root).IPVSServices()
			if tt.oursErr != "" {
				var pe *procnet.ParseError
				if !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.oursErr) {
					t.Fatalf("our error %v, want a *ParseError mentioning %q", err, tt.oursErr)
				}
				comparePairs(t, tt.procfsWant, theirs)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ours := ourPairs(services)
			if len(ours) == 0 && !strings.Contains(tt.name, "no row") {
				t.Fatal("case has no real servers: it tests nothing")
			}
			want := applyDiffs(t, ours, tt.diffs)
			comparePairs(t, want, theirs)
			if pred, _ := procfsIPVSModel(services); !reflect.DeepEqual(pred, want) {
				t.Errorf("the model of procfs predicts\n%v\nthe table says\n%v", pred, want)
			}
		})
	}
}

// procfsARPRowError predicts procfs's error on one row we parsed, from
// its faults: arp.go:79-86 wants exactly 6 fields (a device without a
// hardware address prints 5); arp.go:99 net.ParseMAC accepts only 6-, 8-
// and 20-byte addresses (the kernel cuts InfiniBand ones to 9 bytes);
// arp.go:105 parses the flags into 8 bits.
func procfsARPRowError(e procnet.ARPEntry) string {
	switch n := strings.Count(e.HWAddr, ":") + 1; {
	case e.HWAddr == "":
		return "5 columns found, but expected 6"
	case n != 6 && n != 8 && n != 20:
		return "invalid MAC address"
	case e.Flags > 0xff:
		return "value out of range"
	}
	return ""
}

// arpRowDiffs pins, for fixture trees of this package's own, the rows
// procfs cannot parse (by IP address) and the text its error carries, so
// that the model above is checked against hand-written expectations. One
// such row fails procfs's whole GatherARPEntries.
var arpRowDiffs = map[string]map[string]string{
	"arp-mixed-states": {
		"192.168.100.5": "invalid MAC address",             // 9-byte InfiniBand address
		"10.9.0.2":      "5 columns found, but expected 6", // wg0: no hardware address
	},
	"arp-cache-old-header": {},
	"container":            {},
	"lvs-director":         {},
}

const arpHeader = "IP address       HW type     Flags       HW address            Mask     Device\n"

type arpView struct {
	IP     netip.Addr
	HWAddr string
	Device string
	Flags  uint32
}

func procfsARPView(es []procfs.ARPEntry) []arpView {
	var out []arpView
	for _, e := range es {
		ip, _ := netip.AddrFromSlice(e.IPAddr)
		out = append(out, arpView{IP: ip.Unmap(), HWAddr: e.HWAddr.String(), Device: e.Device, Flags: uint32(e.Flags)})
	}
	return out
}

func ourARPView(es []procnet.ARPEntry) []arpView {
	var out []arpView
	for _, e := range es {
		out = append(out, arpView{IP: e.IP, HWAddr: e.HWAddr, Device: e.Device, Flags: e.Flags})
	}
	return out
}

func TestDifferentialARP(t *testing.T) {
	seen := map[string]bool{}
	for _, root := range treesWith(t, "net/arp", 3) {
		name := filepath.Base(root)
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			ours, err := procnet.NewFS(root).ARPEntries()
			theirs, perr := procfsFS(t, root).GatherARPEntries()
			if err != nil {
				checkDamaged(t, root, "net/arp", err, perr)
				return
			}
			lines := dataLines(t, filepath.Join(root, "net/arp"))
			if len(lines) != len(ours) {
				t.Fatalf("%d data lines, our parser gave %d entries", len(lines), len(ours))
			}

			// The rows procfs is predicted to fail on.
			bad := map[string]string{}
			var good []procnet.ARPEntry
			var goodLines, badLines []string
			for i, e := range ours {
				if msg := procfsARPRowError(e); msg != "" {
					bad[e.IP.String()] = msg
					badLines = append(badLines, lines[i])
					continue
				}
				good = append(good, e)
				goodLines = append(goodLines, lines[i])
			}
			if want, pinned := arpRowDiffs[name]; pinned && !reflect.DeepEqual(bad, want) {
				t.Errorf("the model predicts procfs fails on %v, the table pins %v", bad, want)
			}

			// Whole file: procfs agrees, or fails on the first bad row.
			if len(bad) == 0 {
				if perr != nil {
					t.Fatalf("procfs: %v", perr)
				}
			} else {
				first := procfsARPRowError(ours[indexOfLine(lines, badLines[0])])
				if perr == nil || !errors.Is(perr, procfs.ErrFileParse) || !strings.Contains(perr.Error(), first) {
					t.Errorf("procfs on the whole file: error %v, expected one mentioning %q", perr, first)
				}
				// Without the bad rows, procfs must agree on the others.
				root := writeTree(t, map[string]string{"net/arp": arpHeader + strings.Join(goodLines, "\n") + "\n"})
				theirs, perr = procfsFS(t, root).GatherARPEntries()
				if perr != nil {
					t.Fatalf("procfs without the rows it cannot parse: %v", perr)
				}
				// Each bad row alone gives its own predicted error.
				for _, line := range badLines {
					e := ours[indexOfLine(lines, line)]
					root := writeTree(t, map[string]string{"net/arp": arpHeader + line + "\n"})
					_, err := procfsFS(t, root).GatherARPEntries()
					if want := bad[e.IP.String()]; err == nil || !strings.Contains(err.Error(), want) {
						t.Errorf("row %q alone: procfs error %v, expected one mentioning %q", line, err, want)
					}
				}
			}
			if got, want := procfsARPView(theirs), ourARPView(good); !reflect.DeepEqual(got, want) {
				t.Errorf("procfs\n%+v\nours\n%+v", got, want)
			}
		})
	}
	for name := range arpRowDiffs {
		if !seen[name] {
			t.Errorf("expected-difference table names %s, which is not a fixture tree with net/arp", name)
		}
	}
}

func indexOfLine(lines []string, line string) int {
	for i, l := range lines {
		if l == line {
			return i
		}
	}
	return -1
}

// dataLines returns the non-blank lines after the header.
func dataLines(t *testing.T, name string) []string {
	t.Helper()
	var out []string
	for _, l := range readLines(t, name)[1:] {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

func readLines(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}

// neighFromProcfs sums procfs's per-CPU columns the way NeighCacheStats
// does: entries is the first row's value, the others are summed.
func neighFromProcfs(t *testing.T, ns procfs.NetStat) procnet.NeighCacheStats {
	t.Helper()
	var st procnet.NeighCacheStats
	for col, vals := range ns.Stats {
		if col == "entries" {
			st.Entries = vals[0]
			st.CPURows = len(vals)
			continue
		}
		// The field a column header names, found by its spelling
		// (hash_grows: HashGrows) rather than by procnet's own table.
		f := reflect.ValueOf(&st).Elem().FieldByNameFunc(func(name string) bool {
			return strings.EqualFold(name, strings.ReplaceAll(col, "_", ""))
		})
		if !f.IsValid() || f.Kind() != reflect.Uint64 {
			t.Errorf("%s: column %q unknown to NeighCacheStats", ns.Filename, col)
			continue
		}
		if col == "table_fulls" {
			st.HasTableFulls = true
		}
		for _, v := range vals {
			f.SetUint(f.Uint() + v)
		}
	}
	return st
}

func TestDifferentialNeighCacheStats(t *testing.T) {
	files := map[string]procnet.Family{"arp_cache": procnet.Inet, "ndisc_cache": procnet.Inet6}
	compared := 0
	for _, root := range treesWith(t, "net/stat", 3) {
		t.Run(filepath.Base(root), func(t *testing.T) {
			all, perr := procfsFS(t, root).NetStat()
			for file, fam := range files {
				_, err := procnet.NewFS(root).NeighCacheStats(fam)
				if err != nil && !errors.Is(err, os.ErrNotExist) {
					// procfs reads every file under net/stat at once.
					checkDamaged(t, root, "net/stat/"+file, err, perr)
					return
				}
			}
			if perr != nil {
				t.Fatalf("procfs: %v", perr)
			}
			if len(all) == 0 {
				t.Fatal("procfs found no net/stat files")
			}
			for _, ns := range all {
				fam, ok := files[ns.Filename]
				if !ok {
					continue
				}
				ours, err := procnet.NewFS(root).NeighCacheStats(fam)
				if err != nil {
					t.Fatal(err)
				}
				if theirs := neighFromProcfs(t, ns); ours != theirs {
					t.Errorf("%s:\n ours   %+v\n procfs %+v", ns.Filename, ours, theirs)
				}
				compared++
			}
		})
	}
	if compared < 4 {
		t.Errorf("compared %d stat files, want at least 4", compared)
	}
}

// TestDifferentialNeighCacheStatsDamaged asserts procfs's netstat.go:82
// behaviour on rows whose width does not match the header.
func TestDifferentialNeighCacheStatsDamaged(t *testing.T) {
	const hdr = "entries  allocs   destroys\n"
	t.Run("long row: procfs panics, we report the line", func(t *testing.T) {
		root := writeTree(t, map[string]string{"net/stat/arp_cache": hdr + "00000001 00000002 00000003 00000004\n"})
		_, err := procnet.NewFS(root).NeighCacheStats(procnet.Inet)
		var pe *procnet.ParseError
		if !errors.As(err, &pe) || pe.Line != 2 {
			t.Errorf("ours: %v, want a *ParseError at line 2", err)
		}
		panicked := func() (p any) {
			defer func() { p = recover() }()
			_, _ = procfsFS(t, root).NetStat()
			return nil
		}()
		if panicked == nil || !strings.Contains(fmt.Sprint(panicked), "index out of range") {
			t.Errorf("procfs did not panic with index out of range: %v", panicked)
		}
	})
	t.Run("short row: procfs accepts it, we report the line", func(t *testing.T) {
		root := writeTree(t, map[string]string{"net/stat/arp_cache": hdr + "00000001 00000002 00000003\n00000001 00000005\n"})
		_, err := procnet.NewFS(root).NeighCacheStats(procnet.Inet)
		var pe *procnet.ParseError
		if !errors.As(err, &pe) || pe.Line != 3 {
			t.Errorf("ours: %v, want a *ParseError at line 3", err)
		}
		all, err := procfsFS(t, root).NetStat()
		if err != nil || len(all) != 1 {
			t.Fatalf("procfs: %v, %d files", err, len(all))
		}
		cols := make([]string, 0, len(all[0].Stats))
		for c, v := range all[0].Stats {
			cols = append(cols, fmt.Sprintf("%s=%d", c, len(v)))
		}
		sort.Strings(cols)
		if got := strings.Join(cols, " "); got != "allocs=2 destroys=1 entries=2" {
			t.Errorf("procfs column lengths %s, expected the ragged allocs=2 destroys=1 entries=2", got)
		}
	})
}
