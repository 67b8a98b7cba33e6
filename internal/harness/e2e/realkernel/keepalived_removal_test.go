//go:build e2e && linux

package realkernel

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// keepalivedRemovesConf is keepalived's default behaviour, without
// inhibit_on_failure: a real server that fails its TCP_CHECK is removed
// from the IPVS table, and added back when it answers again. The pool is
// the one of issue 19: weights 10, 10 and 1 behind TCP 10.0.0.4:80.
const keepalivedRemovesConf = `global_defs {
	router_id procnet
}
virtual_server 10.0.0.4 80 {
	delay_loop 1
	lb_algo wrr
	lb_kind NAT
	protocol TCP
	real_server 127.0.0.1 8091 {
		weight 10
		TCP_CHECK {
			connect_timeout 1
			retry 0
		}
	}
	real_server 127.0.0.1 8092 {
		weight 10
		TCP_CHECK {
			connect_timeout 1
			retry 0
		}
	}
	real_server 127.0.0.1 8093 {
		weight 1
		TCP_CHECK {
			connect_timeout 1
			retry 0
		}
	}
}
`

// serveRealServer starts a line server on addr (kernel.Serve) until the
// returned function or the end of the test stops it.
func serveRealServer(t *testing.T, addr string) func() {
	t.Helper()
	ln, err := kernel.Serve(addr, addr+" ")
	if err != nil {
		t.Fatalf("serve %s: %v", addr, err)
	}
	var stopped bool
	stop := func() {
		if !stopped {
			stopped = true
			ln.Close()
		}
	}
	t.Cleanup(stop)
	return stop
}

// awaitCheckWith is awaitCheck with env added to check-ipvs's
// environment, where the state of the removed real servers lives.
func awaitCheckWith(t *testing.T, env []string, bound time.Duration, want int, mustSay []string, args ...string) testbin.Result {
	t.Helper()
	deadline := time.Now().Add(bound)
	var last testbin.Result
	for time.Now().Before(deadline) {
		last = testbin.Run(t, kernel.Bin(t, "check-ipvs"), env, args...)
		if last.ExitCode == want && strings.HasPrefix(last.Stdout, "IPVS "+statusName[want]+":") && containsAll(last.Stdout, mustSay) {
			return last
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("check-ipvs %s: not %s saying %q within %s; last exit %d %q (stderr %q)\nipvsadm:\n%s",
		strings.Join(args, " "), statusName[want], mustSay, bound, last.ExitCode, last.Stdout, last.Stderr, kernel.Sh(t, "ipvsadm -Ln --exact"))
	return last
}

// realServerIDs lists the real servers ipvsadm shows for a service.
func realServerIDs(t *testing.T, service string) []string {
	t.Helper()
	var ids []string
	for _, s := range ipvsadmList(t, false) {
		if s.id == service {
			for _, r := range s.realServers {
				ids = append(ids, r.id)
			}
		}
	}
	return ids
}

// TestKeepalivedRemovesAndCheckIPVSRemembers: with keepalived's default
// a failed real server leaves the table instead of dropping to weight 0.
// check-ipvs remembers the pool: one server stopped is a WARNING naming
// it as removed, on that run and the next; a second stopped takes 20 of
// the 21 weight away, CRITICAL with --critical-capacity 50% where the
// count says only "1 of 3"; both restarted, OK with all three.
func TestKeepalivedRemovesAndCheckIPVSRemembers(t *testing.T) {
	if kernel.Outside(t) {
		return
	}
	setupIPVS(t)
	kernel.Sh(t, "ip addr replace 10.0.0.4/32 dev dummy0")
	stop8091 := serveRealServer(t, "127.0.0.1:8091")
	stop8092 := serveRealServer(t, "127.0.0.1:8092")
	serveRealServer(t, "127.0.0.1:8093")
	startKeepalivedWith(t, keepalivedRemovesConf)

	// One state for every run, as the agent's runs share one.
	env := []string{"MACKEREL_PLUGIN_WORKDIR=" + t.TempDir()}
	args := []string{"-s", "TCP:10.0.0.4:80", "--critical-capacity", "50%"}
	const bound = 30 * time.Second
	const service = "TCP_10_0_0_4_80"

	awaitCheckWith(t, env, bound, exitOK, []string{"1 service, 3 real servers, all available"}, args...)

	stop8092()
	removed8092 := "TCP 10.0.0.4:80 -> 127.0.0.1:8092 removed, last seen "
	awaitCheckWith(t, env, bound, exitWarning, []string{removed8092}, args...)
	if ids := realServerIDs(t, service); slices.Contains(ids, "127_0_0_1_8092") || len(ids) != 2 {
		t.Errorf("check-ipvs names 127.0.0.1:8092 as removed; ipvsadm lists %q", ids)
	}
	// The next run still knows it: the memory, not a moment of the table.
	res := testbin.Run(t, kernel.Bin(t, "check-ipvs"), env, args...)
	if res.ExitCode != exitWarning || !strings.HasPrefix(res.Stdout, "IPVS WARNING: "+removed8092) {
		t.Errorf("the run after: exit %d, %q (stderr %q); want WARNING naming 127.0.0.1:8092 removed", res.ExitCode, res.Stdout, res.Stderr)
	}

	stop8091()
	awaitCheckWith(t, env, bound, exitCritical, []string{
		"TCP 10.0.0.4:80: weight 1 of 21 in rotation (4.8%)",
		"TCP 10.0.0.4:80 -> 127.0.0.1:8091 removed, last seen ",
		removed8092,
	}, args...)
	if ids := realServerIDs(t, service); !slices.Equal(ids, []string{"127_0_0_1_8093"}) {
		t.Errorf("check-ipvs says two removed; ipvsadm lists %q", ids)
	}
	// The count view alone says 1 of 3 available: a WARNING listing both.
	awaitCheckWith(t, env, bound, exitWarning, []string{"127.0.0.1:8091 removed", "127.0.0.1:8092 removed"}, "-s", "TCP:10.0.0.4:80")

	serveRealServer(t, "127.0.0.1:8091")
	serveRealServer(t, "127.0.0.1:8092")
	awaitCheckWith(t, env, bound, exitOK, []string{"1 service, 3 real servers, all available"}, args...)
	if ids := realServerIDs(t, service); len(ids) != 3 {
		t.Errorf("check-ipvs says all three are back; ipvsadm lists %q", ids)
	}
}
