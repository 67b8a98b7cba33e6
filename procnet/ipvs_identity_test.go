package procnet

import (
	"strings"
	"testing"
)

// net/ip_vs prints the two fwmark services of a mark alike: their real
// servers' family tells them apart, and one with none reads as IPv4.
func TestFWMFamilyFromFile(t *testing.T) {
	const table = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port Forward Weight ActiveConn InActConn
FWM  00000001 wrr
  -> [2001:0db8:0000:0000:0000:0000:0000:0102]:0000      Route   1      0          0
FWM  00000001 wrr
  -> 0A000104:0000      Route   1      0          0
FWM  00000002 rr
FWM  00000003 rr
  -> 0A000104:0000      Tunnel  1      0          0
  -> [2001:0db8:0000:0000:0000:0000:0000:0102]:0000      Tunnel  1      0          0
`
	var got []string
	err := parseIPVS(strings.NewReader(table), "ip_vs", func(s *Service) error {
		got = append(got, s.ID().String())
		return nil
	})
	want := []string{"FWM 1 IPv6", "FWM 1", "FWM 2", "FWM 3"}
	if err != nil || strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("services %q, %v; want %q", got, err, want)
	}
}

func TestIPVSServiceIDRoundTrip(t *testing.T) {
	for _, s := range []string{"TCP 10.0.0.1:80", "UDP [2001:db8::1]:53", "IP_51 10.0.0.3:0", "FWM 1", "FWM 4294967295 IPv6"} {
		id, err := ParseIPVSServiceID(s)
		if err != nil || id.String() != s {
			t.Errorf("ParseIPVSServiceID(%q) = %s, %v", s, id, err)
		}
	}
	for _, bad := range []string{"", "TCP", "FWM 0", "FWM x", "HTTP 10.0.0.1:80", "TCP 10.0.0.1"} {
		if id, err := ParseIPVSServiceID(bad); err == nil {
			t.Errorf("ParseIPVSServiceID(%q) = %s, want an error", bad, id)
		}
	}
}
