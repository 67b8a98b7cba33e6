package procnet

import (
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

func TestIPVSServicesLVSDirector(t *testing.T) {
	got, err := NewFS("../testdata/lvs-director").IPVSServices()
	if err != nil {
		t.Fatal(err)
	}
	a := netip.MustParseAddr
	want := []Service{
		{Protocol: "TCP", Addr: a("10.0.0.1"), Port: 80, Scheduler: "wlc", RealServers: []RealServer{
			{Addr: a("10.0.1.2"), Port: 80, Forward: "Route", Weight: 1, ActiveConns: 3, InactiveConns: 17},
			{Addr: a("10.0.1.3"), Port: 80, Forward: "Route", Weight: 0, ActiveConns: 0, InactiveConns: 2},
		}},
		{Protocol: "TCP", Addr: a("10.0.0.1"), Port: 443, Scheduler: "rr", Persistent: true, PersistenceTimeout: 75000, PersistenceNetmask: 0xFFFFFFFF, RealServers: []RealServer{
			{Addr: a("10.0.1.2"), Port: 443, Forward: "Masq", Weight: 100, ActiveConns: 12, InactiveConns: 40},
			{Addr: a("10.0.1.3"), Port: 443, Forward: "Masq", Weight: 100, ActiveConns: 11, InactiveConns: 38},
		}},
		{Protocol: "UDP", Addr: a("10.0.0.1"), Port: 53, Scheduler: "rr", OnePacket: true, RealServers: []RealServer{
			{Addr: a("10.0.1.4"), Port: 53, Forward: "Tunnel", Weight: 1, InactiveConns: 5},
		}},
		{Protocol: "TCP", Addr: a("2001:db8::1"), Port: 80, Scheduler: "sh", RealServers: []RealServer{
			{Addr: a("2001:db8::102"), Port: 80, Forward: "Masq", Weight: 1},
			{Addr: a("10.0.1.5"), Port: 80, Forward: "Tunnel", Weight: 1, ActiveConns: 2},
		}},
		{Protocol: "FWM", FirewallMark: 1, Scheduler: "wrr", RealServers: []RealServer{
			{Addr: a("10.0.1.4"), Port: 0, Forward: "Tunnel", Weight: 2, ActiveConns: 1},
			{Addr: a("2001:db8::104"), Port: 0, Forward: "Route", Weight: 3, InactiveConns: 1},
		}},
		{Protocol: "SCTP", Addr: a("10.0.0.2"), Port: 3868, Scheduler: "none", RealServers: []RealServer{
			{Addr: a("10.0.1.6"), Port: 3868, Forward: "Local", Weight: 65535, ActiveConns: 4294967295},
		}},
		{Protocol: "UDP", Addr: a("10.0.0.3"), Port: 5060, Scheduler: "wlc", OnePacket: true, Persistent: true, PersistenceTimeout: 90000, PersistenceNetmask: 0xFFFFFF00, RealServers: []RealServer{}},
		{Protocol: "IP_47", Addr: a("10.0.0.4"), Port: 0, Scheduler: "lc", RealServers: []RealServer{}},
		// An IPv6 "netmask" is the prefix length (128) as a big-endian word,
		// printed by a little-endian kernel as 80000000 (checked on 6.1).
		{Protocol: "UDP", Addr: a("2001:db8::53"), Port: 53, Scheduler: "rr", Persistent: true, PersistenceTimeout: 30000, PersistenceNetmask: 0x80000000, RealServers: []RealServer{
			{Addr: a("10.0.1.7"), Port: 53, Forward: "Masq", Weight: 5, InactiveConns: 9},
		}},
	}
	for i := range got {
		if got[i].RealServers == nil {
			got[i].RealServers = []RealServer{}
		}
	}
	if len(got) != len(want) {
		t.Fatalf("got %d services, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("service %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	if !got[4].IsFWM() || got[0].IsFWM() {
		t.Error("IsFWM wrong")
	}
}

func TestParseIPVSVariants(t *testing.T) {
	const hdr = "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n"
	tests := []struct {
		name     string
		in       string
		services int
		servers  int
	}{
		{"header only", hdr, 0, 0},
		{"blank lines and tabs", hdr + "\n\tTCP  0A000001:0050\twlc \t\n\n  -> 0A000102:0050      Route   1      3          17   \t\n\n", 1, 1},
		{"CRLF line ends", strings.ReplaceAll(hdr+"TCP  0A000001:0050 wlc \n  -> 0A000102:0050      Route   1      3          17\n", "\n", "\r\n"), 1, 1},
		{"no final newline", hdr + "TCP  0A000001:0050 wlc \n  -> 0A000102:0050      Route   1      3          17", 1, 1},
		{"empty service last", hdr + "TCP  0A000001:0050 wlc \n", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			services, servers := 0, 0
			err := parseIPVS(strings.NewReader(tt.in), "ip_vs", func(s *Service) error {
				services++
				servers += len(s.RealServers)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if services != tt.services || servers != tt.servers {
				t.Errorf("got %d services, %d real servers; want %d, %d", services, servers, tt.services, tt.servers)
			}
		})
	}
}

func TestParseIPVSErrors(t *testing.T) {
	const hdr = "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n"
	tests := []struct {
		name, in string
		line     int
		msg      string
	}{
		{"empty file", "", 0, "empty file"},
		{"not ip_vs", "hello\n", 1, "not an IP Virtual Server table"},
		{"real server first", hdr + "  -> 0A000102:0050 Route 1 3 17\n", 4, "before any service"},
		{"short service", hdr + "TCP 0A000001:0050\n", 4, "want at least 3"},
		{"unknown protocol", hdr + "XYZ  0A000001:0050 wlc\n", 4, "unknown protocol"},
		{"bad v4 address", hdr + "TCP  0A0000:0050 wlc\n", 4, "want 8 hex digits"},
		{"bad v6 address", hdr + "TCP  [2001:db8::1]:0050 wlc\n", 4, "8 groups"},
		{"port too wide", hdr + "TCP  0A000001:10050 wlc\n", 4, "out of range"},
		{"persistent cut", hdr + "TCP  0A000001:0050 wlc persistent 300\n", 4, "persistent without"},
		{"extra field", hdr + "TCP  0A000001:0050 wlc bogus\n", 4, "unexpected field"},
		{"negative weight", hdr + "TCP  0A000001:0050 wlc\n  -> 0A000102:0050 Route -1 3 17\n", 5, "weight"},
		{"weight wider than 32 bits", hdr + "TCP  0A000001:0050 wlc\n  -> 0A000102:0050 Route 4294967296 3 17\n", 5, "out of range"},
		{"count below an int", hdr + "TCP  0A000001:0050 wlc\n  -> 0A000102:0050 Route 1 -2147483649 17\n", 5, "out of range"},
		{"a lone minus", hdr + "TCP  0A000001:0050 wlc\n  -> 0A000102:0050 Route 1 - 17\n", 5, "active"},
		{"conns wider than 64 bits", hdr + "TCP  0A000001:0050 wlc\n  -> 0A000102:0050 Route 1 18446744073709551616 17\n", 5, "out of range"},
		{"cut real server", hdr + "TCP  0A000001:0050 wlc\n  -> 0A000102:0050 Route 1", 5, "want 6"},
		{"NUL bytes", hdr + "TCP  0A000001:0050 wlc\n  -> 0A000102:0050 Route 1 3 1\x007\n", 5, "inactive"},
		{"line too long", hdr + strings.Repeat("x", maxLineLength+1) + "\n", 4, "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := parseIPVS(strings.NewReader(tt.in), "/proc/net/ip_vs", func(*Service) error { return nil })
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if pe.File != "/proc/net/ip_vs" || pe.Line != tt.line {
				t.Errorf("error at %s:%d, want /proc/net/ip_vs:%d (%v)", pe.File, pe.Line, tt.line, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not mention %q", err, tt.msg)
			}
		})
	}
}

// What the kernel can print and netlink gives alike: a weight above
// 65535 and a connection count left negative by a race are values, not a
// damaged file.
func TestParseIPVSOddValues(t *testing.T) {
	const svc = ipvsHeader + "TCP  0A000001:0050 wlc\n  -> 0A000102:0050 Route "
	for _, tt := range []struct {
		name, line       string
		weight           uint32
		active, inactive uint64
	}{
		{"weight above 65535", "65536 3 17", 65536, 3, 17},
		{"largest weight the kernel takes", "2147483647 0 0", 2147483647, 0, 0},
		{"active count of -1", "1 -1 17", 1, 4294967295, 17},
		{"lowest int", "1 0 -2147483648", 1, 0, 2147483648},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseIPVSAll([]byte(svc+tt.line+"\n"), "ip_vs", nil)
			if err != nil {
				t.Fatal(err)
			}
			rs := got[0].RealServers[0]
			if rs.Weight != tt.weight || rs.ActiveConns != tt.active || rs.InactiveConns != tt.inactive {
				t.Errorf("got weight %d active %d inactive %d; want %d %d %d", rs.Weight, rs.ActiveConns, rs.InactiveConns, tt.weight, tt.active, tt.inactive)
			}
		})
	}
}

func TestWalkIPVSStopsOnCallbackError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := NewFS("../testdata/lvs-director").WalkIPVS(func(*Service) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("got %v after %d calls, want the callback's error after 1", err, n)
	}
}
