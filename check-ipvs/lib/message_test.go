package checkipvs

import (
	"net/netip"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/internal/checkrun"
)

func TestJoinBounded(t *testing.T) {
	items := []string{"a123456789", "b123456789", "c123456789", "d123456789", "e123456789"}
	tests := []struct {
		budget int
		want   string
	}{
		{100, "a123456789; b123456789; c123456789; d123456789; e123456789"},
		{58, "a123456789; b123456789; c123456789; d123456789; e123456789"},
		{57, "a123456789; b123456789; c123456789; ... and 2 more"},
		{50, "a123456789; b123456789; c123456789; ... and 2 more"},
		{49, "a123456789; b123456789; ... and 3 more"},
		{37, "a123456789; ... and 4 more"},
		{25, "... and 5 more"},
		{14, "... and 5 more"},
		{10, "... and..."},
	}
	for _, tt := range tests {
		got := joinBounded(items, len(items), tt.budget)
		if got != tt.want {
			t.Errorf("joinBounded(budget %d) = %q, want %q", tt.budget, got, tt.want)
		}
		if n := utf8.RuneCountInString(got); n > tt.budget {
			t.Errorf("joinBounded(budget %d) is %d runes", tt.budget, n)
		}
	}
}

func TestFormatVerdictStaysUnderTheAgentLimit(t *testing.T) {
	var v verdict
	v.Status = checkers.WARNING
	for i := 0; i < 500; i++ {
		v.Offenders = append(v.Offenders, offender{Status: checkers.WARNING, Problem: notPresent,
			Service: mustSpec(t, "TCP:[2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535")})
	}
	line := "IPVS WARNING: " + formatVerdict(v, v.Status, "", "")
	if n := utf8.RuneCountInString(line); n > checkrun.LineLimit {
		t.Fatalf("line is %d runes, want at most %d", n, checkrun.LineLimit)
	}
	const item = "TCP [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535 not present"
	want := strings.Repeat(item+"; ", 15) + "... and 485 more"
	if got := formatVerdict(v, v.Status, "", ""); got != want {
		t.Errorf("formatVerdict = %q, want %q", got, want)
	}
}

func mustAddrPort(t *testing.T, s string) netip.AddrPort {
	t.Helper()
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		t.Fatal(err)
	}
	return ap
}

func mustSpec(t *testing.T, s string) serviceSpec {
	t.Helper()
	spec, err := parseServiceSpec(s)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

func TestOKSummary(t *testing.T) {
	tests := []struct {
		v    verdict
		want string
	}{
		{verdict{}, "no virtual services configured"},
		{verdict{Services: 1, RealServers: 1}, "1 service, 1 real server, all available"},
		{verdict{Services: 9, RealServers: 13}, "9 services, 13 real servers, all available"},
		{verdict{Services: 2, RealServers: 0}, "2 services, 0 real servers, all available"},
		{verdict{Services: 4, RealServers: 14, Quiescent: 6}, "4 services, 14 real servers, 6 with weight 0"},
	}
	for _, tt := range tests {
		if got := formatVerdict(tt.v, tt.v.Status, "", ""); got != tt.want {
			t.Errorf("formatVerdict(%+v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestOffenderString(t *testing.T) {
	rs := func(s string) offender {
		o := offender{Problem: quiescent, Service: mustSpec(t, "UDP:[2001:db8::53]:53")}
		o.RealServer = mustAddrPort(t, s)
		return o
	}
	tests := []struct {
		o    offender
		want string
	}{
		{offender{Problem: notPresent, Service: mustSpec(t, "FWM:0x1")}, "FWM 1 not present"},
		{offender{Problem: tooFewAvailable, Service: mustSpec(t, "TCP:10.0.0.1:443"), Available: 0, Total: 3}, "TCP 10.0.0.1:443: 0 of 3 real servers available"},
		{offender{Problem: tooFewAvailable, Service: mustSpec(t, "TCP:10.0.0.1:443"), Available: 0, Total: 1}, "TCP 10.0.0.1:443: 0 of 1 real server available"},
		{offender{Problem: tooFewAvailable, Service: mustSpec(t, "SCTP:10.0.0.2:3868")}, "SCTP 10.0.0.2:3868: no real servers"},
		{rs("[2001:db8:0:0::102]:53"), "UDP [2001:db8::53]:53 -> [2001:db8::102]:53 weight 0"},
		{rs("10.0.1.7:53"), "UDP [2001:db8::53]:53 -> 10.0.1.7:53 weight 0"},
	}
	for _, tt := range tests {
		if got := tt.o.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}
