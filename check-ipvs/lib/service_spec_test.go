package checkipvs

import (
	"net/netip"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

func TestParseServiceSpec(t *testing.T) {
	tests := []struct {
		in   string
		want serviceSpec
	}{
		{"TCP:10.0.0.1:80", serviceSpec{Protocol: "TCP", Addr: netip.MustParseAddr("10.0.0.1"), Port: 80}},
		{"tcp:10.0.0.1:80", serviceSpec{Protocol: "TCP", Addr: netip.MustParseAddr("10.0.0.1"), Port: 80}},
		{"UDP:[2001:db8::1]:53", serviceSpec{Protocol: "UDP", Addr: netip.MustParseAddr("2001:db8::1"), Port: 53}},
		{"UDP:[2001:0DB8:0000:0000:0000:0000:0000:0001]:53", serviceSpec{Protocol: "UDP", Addr: netip.MustParseAddr("2001:db8::1"), Port: 53}},
		{"SCTP:10.0.0.2:3868", serviceSpec{Protocol: "SCTP", Addr: netip.MustParseAddr("10.0.0.2"), Port: 3868}},
		{"IP_47:10.0.0.4:0", serviceSpec{Protocol: "IP_47", Addr: netip.MustParseAddr("10.0.0.4")}},
		{"icmpv6:[::1]:0", serviceSpec{Protocol: "ICMPv6", Addr: netip.MustParseAddr("::1")}},
		// The kernel prints AH and ESP by number, in net/ip_vs and over netlink.
		{"esp:10.0.0.3:0", serviceSpec{Protocol: "IP_50", Addr: netip.MustParseAddr("10.0.0.3")}},
		{"AH:10.0.0.3:0", serviceSpec{Protocol: "IP_51", Addr: netip.MustParseAddr("10.0.0.3")}},
		{"IP_51:10.0.0.3:0", serviceSpec{Protocol: "IP_51", Addr: netip.MustParseAddr("10.0.0.3")}},
		{"ip_6:10.0.0.1:80", serviceSpec{Protocol: "TCP", Addr: netip.MustParseAddr("10.0.0.1"), Port: 80}},
		{"IP_058:[::1]:0", serviceSpec{Protocol: "ICMPv6", Addr: netip.MustParseAddr("::1")}},
		{"FWM:1", serviceSpec{Protocol: "FWM", Mark: 1}},
		{"FWM:0x1", serviceSpec{Protocol: "FWM", Mark: 1}},
		{"fwm:0X2a", serviceSpec{Protocol: "FWM", Mark: 42}},
		{"FWM:010", serviceSpec{Protocol: "FWM", Mark: 10}}, // decimal, not octal
		{"FWM:4294967295", serviceSpec{Protocol: "FWM", Mark: 4294967295}},
		{"FWM6:1", serviceSpec{Protocol: "FWM", Mark: 1, IPv6: true}},
		{"fwm6:0x2a", serviceSpec{Protocol: "FWM", Mark: 42, IPv6: true}},
	}
	for _, tt := range tests {
		got, err := parseServiceSpec(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("parseServiceSpec(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseServiceSpecRejects(t *testing.T) {
	tests := []struct{ in, wantErr string }{
		{"", `invalid service "": want PROTO:ADDR:PORT (such as TCP:10.0.0.1:80), FWM:MARK or FWM6:MARK`},
		{"TCP", `invalid service "TCP": want PROTO:ADDR:PORT (such as TCP:10.0.0.1:80), FWM:MARK or FWM6:MARK`},
		{"TCP:", `invalid service "TCP:": want PROTO:ADDR:PORT (such as TCP:10.0.0.1:80), FWM:MARK or FWM6:MARK`},
		{"TCP:10.0.0.1", `invalid service "TCP:10.0.0.1": want TCP:ADDR:PORT, IPv6 in brackets`},
		{"TCP:10.0.0.1:65536", `invalid service "TCP:10.0.0.1:65536": want TCP:ADDR:PORT, IPv6 in brackets`},
		{"UDP:2001:db8::1:53", `invalid service "UDP:2001:db8::1:53": want UDP:ADDR:PORT, IPv6 in brackets`},
		{"TCP:[fe80::1%eth0]:80", `invalid service "TCP:[fe80::1%eth0]:80": want TCP:ADDR:PORT, IPv6 in brackets`},
		{"HTTP:10.0.0.1:80", `invalid service "HTTP:10.0.0.1:80": unknown protocol "HTTP": want TCP, UDP, SCTP, AH, ESP, FWM, FWM6 or IP_<number>`},
		{"IP_256:10.0.0.1:0", `invalid service "IP_256:10.0.0.1:0": unknown protocol "IP_256": want TCP, UDP, SCTP, AH, ESP, FWM, FWM6 or IP_<number>`},
		{"FWM:0", `invalid service "FWM:0": firewall mark "0": want a number from 1 to 4294967295, decimal or 0x hex`},
		{"FWM:x", `invalid service "FWM:x": firewall mark "x": want a number from 1 to 4294967295, decimal or 0x hex`},
		{"FWM:0x", `invalid service "FWM:0x": firewall mark "0x": want a number from 1 to 4294967295, decimal or 0x hex`},
		{"FWM:4294967296", `invalid service "FWM:4294967296": firewall mark "4294967296": want a number from 1 to 4294967295, decimal or 0x hex`},
	}
	for _, tt := range tests {
		got, err := parseServiceSpec(tt.in)
		if err == nil || err.Error() != tt.wantErr {
			t.Errorf("parseServiceSpec(%q) = %+v, %v; want error %s", tt.in, got, err, tt.wantErr)
		}
	}
}

func TestServiceSpecString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"TCP:10.0.0.1:80", "TCP 10.0.0.1:80"},
		{"UDP:[2001:0db8:0:0:0:0:0:0001]:53", "UDP [2001:db8::1]:53"},
		{"FWM:0x10", "FWM 16"},
		{"ip_47:10.0.0.4:0", "IP_47 10.0.0.4:0"},
	}
	for _, tt := range tests {
		spec, err := parseServiceSpec(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := spec.String(); got != tt.want {
			t.Errorf("%q: String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSpecOfMatchesParsedSpec(t *testing.T) {
	tests := []struct {
		svc   procnet.Service
		spec  string
		match bool
	}{
		{procnet.Service{Protocol: "TCP", Addr: netip.MustParseAddr("10.0.0.1"), Port: 80}, "TCP:10.0.0.1:80", true},
		{procnet.Service{Protocol: "TCP", Addr: netip.MustParseAddr("10.0.0.1"), Port: 80}, "UDP:10.0.0.1:80", false},
		{procnet.Service{Protocol: "TCP", Addr: netip.MustParseAddr("10.0.0.1"), Port: 80}, "TCP:10.0.0.1:443", false},
		{procnet.Service{Protocol: "TCP", Addr: netip.MustParseAddr("10.0.0.1"), Port: 80}, "TCP:[::ffff:10.0.0.1]:80", false},
		{procnet.Service{Protocol: "UDP", Addr: netip.MustParseAddr("2001:db8::53"), Port: 53}, "UDP:[2001:db8:0::0:53]:53", true},
		{procnet.Service{Protocol: "FWM", FirewallMark: 1, Scheduler: "wrr"}, "FWM:0x1", true},
		{procnet.Service{Protocol: "FWM", FirewallMark: 2}, "FWM:1", false},
	}
	for _, tt := range tests {
		spec, err := parseServiceSpec(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := specOf(&tt.svc) == spec; got != tt.match {
			t.Errorf("specOf(%+v) == %q: %v, want %v", tt.svc, tt.spec, got, tt.match)
		}
	}
}
