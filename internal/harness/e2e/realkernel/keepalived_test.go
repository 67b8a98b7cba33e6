//go:build e2e && linux

package realkernel

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// startKeepalived runs keepalived's health checker alone (-C) in the
// foreground until the test ends, logging to a file that a failure
// prints.
func startKeepalived(t *testing.T) {
	t.Helper()
	startKeepalivedWith(t, kernel.KeepalivedConf)
}

// startKeepalivedWith is startKeepalived with the configuration config;
// stop stops it as a service manager does (SIGTERM), which removes its
// virtual servers from the table.
func startKeepalivedWith(t *testing.T, config string) (stop func()) {
	t.Helper()
	dir := t.TempDir()
	conf := filepath.Join(dir, "keepalived.conf")
	if err := os.WriteFile(conf, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(dir, "keepalived.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("keepalived", "-C", "-n", "-l", "-D", "-f", conf,
		"-p", filepath.Join(dir, "keepalived.pid"), "-c", filepath.Join(dir, "checkers.pid"))
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("keepalived: %v", err)
	}
	var stopped bool
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		cmd.Wait()
	}
	t.Cleanup(func() {
		stop()
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("keepalived's log:\n%s", b)
		}
	})
	return stop
}

// listen accepts and closes connections on addr until the returned
// function closes it.
func listen(t *testing.T, addr string) func() {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return func() { ln.Close() }
}

// awaitCheck runs check-ipvs until it exits with want and says every one
// of mustSay, and fails the test if that has not happened within bound.
// keepalived acts on its own schedule (a check a second here), so the
// test waits for the outcome rather than for a time.
func awaitCheck(t *testing.T, bound time.Duration, want int, mustSay []string, args ...string) {
	t.Helper()
	deadline := time.Now().Add(bound)
	var last testbin.Result
	for time.Now().Before(deadline) {
		last = testbin.Run(t, kernel.Bin(t, "check-ipvs"), nil, args...)
		if last.ExitCode == want && containsAll(last.Stdout, mustSay) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("check-ipvs %s: not %s saying %q within %s; last exit %d %q\nipvsadm:\n%s",
		strings.Join(args, " "), statusName[want], mustSay, bound, last.ExitCode, last.Stdout, kernel.Sh(t, "ipvsadm -Ln --exact"))
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// realServerWeight is a real server's weight as ipvsadm lists it.
func realServerWeight(t *testing.T, service, rs string) uint64 {
	t.Helper()
	for _, s := range ipvsadmList(t, false) {
		if s.id != service {
			continue
		}
		for _, r := range s.realServers {
			if r.id == rs {
				return r.weight
			}
		}
	}
	t.Fatalf("ipvsadm lists no real server %s of %s:\n%s", rs, service, kernel.Sh(t, "ipvsadm -Ln --exact"))
	return 0
}

// TestKeepalivedSetsWeightZeroAndCheckIPVSFollows: keepalived's TCP_CHECK
// finds no listener behind one real server and sets its weight to 0;
// check-ipvs says WARNING naming it. A listener starts and keepalived puts
// it back: OK. Both listeners gone: CRITICAL.
func TestKeepalivedSetsWeightZeroAndCheckIPVSFollows(t *testing.T) {
	if kernel.Outside(t) {
		return
	}
	setupIPVS(t)
	stop8081 := listen(t, "127.0.0.1:8081")
	startKeepalived(t)
	svc := []string{"-s", "TCP:10.0.0.1:80"}
	const bound = 30 * time.Second

	awaitCheck(t, bound, exitWarning, []string{"TCP 10.0.0.1:80 -> 127.0.0.1:8082 weight 0"}, svc...)
	if w := realServerWeight(t, "TCP_10_0_0_1_80", "127_0_0_1_8082"); w != 0 {
		t.Errorf("check-ipvs names 127.0.0.1:8082, ipvsadm gives it weight %d", w)
	}
	if w := realServerWeight(t, "TCP_10_0_0_1_80", "127_0_0_1_8081"); w != 1 {
		t.Errorf("the healthy 127.0.0.1:8081 has weight %d in ipvsadm, want 1", w)
	}

	stop8082 := listen(t, "127.0.0.1:8082")
	awaitCheck(t, bound, exitOK, nil, svc...)
	if w := realServerWeight(t, "TCP_10_0_0_1_80", "127_0_0_1_8082"); w != 1 {
		t.Errorf("check-ipvs says OK, ipvsadm gives 127.0.0.1:8082 weight %d", w)
	}

	stop8081()
	stop8082()
	awaitCheck(t, bound, exitCritical, []string{"TCP 10.0.0.1:80: 0 of 2 real servers available"}, svc...)
}
