//go:build e2e && linux

package realkernel

import (
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// Exit codes of a Mackerel check.
const (
	exitOK = iota
	exitWarning
	exitCritical
	exitUnknown
)

var statusName = [...]string{"OK", "WARNING", "CRITICAL", "UNKNOWN"}

// checkIPVS runs check-ipvs and fails the test unless it exits with want
// and its message holds every one of mustSay.
func checkIPVS(t *testing.T, want int, mustSay []string, args ...string) testbin.Result {
	t.Helper()
	res := testbin.Run(t, kernel.Bin(t, "check-ipvs"), nil, args...)
	msg := res.Stdout
	ok := res.ExitCode == want && strings.HasPrefix(msg, "IPVS "+statusName[want]+":")
	for _, s := range mustSay {
		ok = ok && strings.Contains(msg, s)
	}
	if !ok {
		t.Errorf("check-ipvs %s: exit %d, %q (stderr %q); want exit %d (%s) saying %q\nipvsadm:\n%s",
			strings.Join(args, " "), res.ExitCode, msg, res.Stderr, want, statusName[want], mustSay, kernel.Sh(t, "ipvsadm -Ln --exact"))
	}
	return res
}

// TestCheckIPVSOnEveryKind runs check-ipvs over the table of every
// service kind, selects each kind with -s, expects a missing service, and
// follows real servers taken out by `ipvsadm -e -w 0` and put back.
func TestCheckIPVSOnEveryKind(t *testing.T) {
	if kernel.Outside(t) {
		return
	}
	setupIPVS(t)
	kernel.Sh(t, everyKind)

	// The whole table: two services without real servers, and weight 0
	// real servers of a TCP and an FWM service.
	checkIPVS(t, exitCritical, []string{
		"TCP 10.0.0.2:8080: no real servers",
		"UDP [2001:db8::1]:53: no real servers",
		"TCP 10.0.0.1:80 -> 10.0.1.3:80 weight 0",
		"FWM 7 -> 10.0.1.9:0 weight 0",
	})

	// Every kind whose real servers all have weight > 0 is OK alone.
	for _, spec := range []string{"TCP:10.0.0.1:443", "UDP:10.0.0.1:53", "SCTP:10.0.0.1:3868", "TCP:[2001:db8::1]:80", "FWM6:8"} {
		checkIPVS(t, exitOK, nil, "-s", spec)
	}
	checkIPVS(t, exitWarning, []string{"10.0.1.3:80 weight 0"}, "-s", "TCP:10.0.0.1:80")
	checkIPVS(t, exitWarning, []string{"10.0.1.9:0 weight 0"}, "-s", "FWM:7")
	checkIPVS(t, exitCritical, []string{"no real servers"}, "-s", "UDP:[2001:db8::1]:53")
	checkIPVS(t, exitCritical, []string{"TCP 10.0.0.9:80 not present"}, "-s", "TCP:10.0.0.1:443", "--expect", "TCP:10.0.0.9:80")
	checkIPVS(t, exitOK, nil, "-s", "TCP:10.0.0.1:443", "--expect", "SCTP:10.0.0.1:3868")

	// A real server of the IPv6 service taken out, then both, then both
	// put back.
	v6 := "TCP:[2001:db8::1]:80"
	kernel.Sh(t, "ipvsadm -e -t [2001:db8::1]:80 -r [2001:db8::102]:80 -m -w 0")
	checkIPVS(t, exitWarning, []string{"TCP [2001:db8::1]:80 -> [2001:db8::102]:80 weight 0"}, "-s", v6)
	kernel.Sh(t, "ipvsadm -e -t [2001:db8::1]:80 -r 10.0.1.7:80 -i -w 0")
	checkIPVS(t, exitCritical, []string{"TCP [2001:db8::1]:80: 0 of 2 real servers available"}, "-s", v6)
	kernel.Sh(t, `ipvsadm -e -t [2001:db8::1]:80 -r [2001:db8::102]:80 -m -w 4
ipvsadm -e -t [2001:db8::1]:80 -r 10.0.1.7:80 -i -w 5`)
	checkIPVS(t, exitOK, nil, "-s", v6)

	// Fewer available than a count threshold, on the four-server service.
	checkIPVS(t, exitOK, nil, "-s", "TCP:10.0.0.1:80", "-w", "3")
	checkIPVS(t, exitWarning, nil, "-s", "TCP:10.0.0.1:80", "-w", "4")
	checkIPVS(t, exitCritical, nil, "-s", "TCP:10.0.0.1:80", "-c", "4")
}
