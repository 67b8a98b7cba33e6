package checkipvs

import (
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// Every change of the pool changes the fingerprint, so that it is
// remembered; the same table gives the same one.
func TestPoolHash(t *testing.T) {
	base := func(t *testing.T) []procnet.Service {
		return []procnet.Service{
			service(t, "TCP:10.0.0.4:80", realServer{"127.0.0.1:8091", 10}, realServer{"127.0.0.1:8092", 10}),
			service(t, "FWM:1", realServer{"10.0.1.4:0", 1}),
		}
	}
	hash := func(svcs []procnet.Service) string {
		h := newPoolHash()
		for i := range svcs {
			h.addService(&svcs[i])
			for j := range svcs[i].RealServers {
				h.addRealServer(&svcs[i].RealServers[j])
			}
		}
		return h.String()
	}
	want := hash(base(t))
	if got := hash(base(t)); got != want {
		t.Fatalf("the same table hashes to %s and %s", want, got)
	}
	changes := map[string]func([]procnet.Service) []procnet.Service{
		"a real server removed": func(s []procnet.Service) []procnet.Service { s[0].RealServers = s[0].RealServers[:1]; return s },
		"a weight changed":      func(s []procnet.Service) []procnet.Service { s[0].RealServers[1].Weight = 0; return s },
		"a weight above 65535":  func(s []procnet.Service) []procnet.Service { s[0].RealServers[1].Weight = 10 | 1<<16; return s },
		"a port changed":        func(s []procnet.Service) []procnet.Service { s[0].RealServers[1].Port = 8093; return s },
		"a real server moved to another service": func(s []procnet.Service) []procnet.Service {
			s[1].RealServers = append(s[1].RealServers, s[0].RealServers[1])
			s[0].RealServers = s[0].RealServers[:1]
			return s
		},
		"IPv4 against IPv4-mapped IPv6": func(s []procnet.Service) []procnet.Service {
			s[0].RealServers[0].Addr = netip.AddrFrom16(s[0].RealServers[0].Addr.As16())
			return s
		},
		"a service removed": func(s []procnet.Service) []procnet.Service { return s[:1] },
		"another mark":      func(s []procnet.Service) []procnet.Service { s[1].FirewallMark = 2; return s },
	}
	for name, change := range changes {
		if got := hash(change(base(t))); got == want {
			t.Errorf("%s: the fingerprint did not change", name)
		}
	}
}

// What a run writes, the next reads back: the whole memory, or from the
// header alone what a run on an unchanged table needs.
func TestStateRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state")
	web, _ := parseServiceSpec("TCP:10.0.0.4:80")
	dns, _ := parseServiceSpec("UDP:[2001:db8::53]:53")
	const seen = 1796300000
	var p pool
	p.addPresent(web, netip.MustParseAddrPort("127.0.0.1:8091"), 10, 10)
	p.addPresent(web, netip.MustParseAddrPort("127.0.0.1:8093"), 0, 1)
	p.addRemoved(web, []member{{RealServer: netip.MustParseAddrPort("127.0.0.1:8092"), LastWeight: 10, Removed: true, LastSeen: seen}})
	p.addPresent(dns, netip.MustParseAddrPort("[2001:db8::102]:53"), 3, 3)
	if err := writeState(path, "/proc", "abc", &p); err != nil {
		t.Fatal(err)
	}
	mtime := time.Unix(1796300600, 0)
	opened, err := readState(path, "/proc", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := touchState(opened.f, mtime); err != nil {
		t.Fatal(err)
	}
	opened.close()
	removed8092 := member{RealServer: netip.MustParseAddrPort("127.0.0.1:8092"), LastWeight: 10, Removed: true, LastSeen: seen}
	whole, err := readState(path, "/proc", true)
	whole.close()
	if err != nil || whole.pool != "abc" || !whole.mem.seen.Equal(mtime) {
		t.Fatalf("readState = %+v, %v", whole, err)
	}
	wantWeb := []member{removed8092,
		{RealServer: netip.MustParseAddrPort("127.0.0.1:8091"), LastWeight: 10},
		{RealServer: netip.MustParseAddrPort("127.0.0.1:8093"), LastWeight: 1}}
	if got := whole.mem.services[web]; !slices.EqualFunc(got, wantWeb, sameMember) {
		t.Errorf("whole memory of %s = %+v, want %+v", web, got, wantWeb)
	}
	if got := whole.mem.services[dns]; len(got) != 1 || got[0].LastWeight != 3 {
		t.Errorf("whole memory of %s = %+v", dns, got)
	}
	header, err := readState(path, "/proc", false)
	header.close()
	wantHeader := []member{removed8092, {RealServer: netip.MustParseAddrPort("127.0.0.1:8093"), LastWeight: 1}}
	if err != nil || !slices.EqualFunc(header.mem.services[web], wantHeader, sameMember) || len(header.mem.services[dns]) != 0 {
		t.Errorf("header memory = %+v, %v; want %s: %+v", header.mem.services, err, web, wantHeader)
	}
	if _, err := readState(path, "/host/proc", false); err != errNoMemory {
		t.Errorf("the state of /proc read for /host/proc: %v, want no memory", err)
	}
	if err := os.WriteFile(path, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readState(path, "/proc", false); err != errNoMemory {
		t.Errorf("a header without a line end: %v, want no memory", err)
	}
}

func sameMember(a, b member) bool {
	return a.RealServer == b.RealServer && a.LastWeight == b.LastWeight && a.Removed == b.Removed && a.LastSeen == b.LastSeen
}

func TestHexAddrPort(t *testing.T) {
	for _, s := range []string{"127.0.0.1:8092", "[2001:db8::102]:53", "[::ffff:10.0.0.1]:80", "0.0.0.0:0", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535"} {
		rs := netip.MustParseAddrPort(s)
		b := appendHexAddrPort(nil, rs)
		got, err := parseHexAddrPort(b)
		if err != nil || got != rs {
			t.Errorf("%s: written %q, read back %s, %v", s, b, got, err)
		}
	}
	if got := string(appendHexAddrPort(nil, netip.MustParseAddrPort("127.0.0.1:8092"))); got != "7F000001:1F9C" {
		t.Errorf("127.0.0.1:8092 written %q, want it as net/ip_vs prints it, 7F000001:1F9C", got)
	}
	for _, bad := range []string{"", "7F000001", "7F000001:1F9", "7f000001:1F9C", "7F000001;1F9C", "7F00000G:1F9C", "127.0.0.1:8092"} {
		if _, err := parseHexAddrPort([]byte(bad)); err == nil {
			t.Errorf("%q read as a real server", bad)
		}
	}
	for s, want := range map[string]bool{"0": true, "4294967295": true, "4294967296": false, "": false, "1x": false, "12345678901": false} {
		if _, ok := parseDecimal32([]byte(s)); ok != want {
			t.Errorf("parseDecimal32(%q) ok %v, want %v", s, ok, want)
		}
	}
}
