package testbin

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"sync/atomic"
	"syscall"
	"testing"
)

// NetNS is a network namespace made for one test, holding a veth pair
// (Dev and its peer) that is up, with 10.77.0.1/16 and 2001:db8:77::1/64
// on Dev.
type NetNS struct {
	Name string
	Dev  string
}

var netnsSeq atomic.Int64

// NewNetNS creates a namespace for the test and deletes it (and with it
// every neighbour entry added inside) when the test ends. The test is
// skipped, with the reason, unless it runs as root with iproute2.
func NewNetNS(tb testing.TB) *NetNS {
	tb.Helper()
	SkipEmulated(tb)
	if os.Geteuid() != 0 {
		tb.Skip("needs root to create network namespaces")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		tb.Skip("needs the ip command (iproute2)")
	}
	ns := &NetNS{Name: fmt.Sprintf("procnet-test-%d-%d", os.Getpid(), netnsSeq.Add(1)), Dev: "veth0"}
	if out, err := exec.Command("ip", "netns", "add", ns.Name).CombinedOutput(); err != nil {
		tb.Skipf("cannot create a network namespace here: %v: %s", err, out)
	}
	tb.Cleanup(func() {
		// The kernel destroys a deleted namespace later, in a worker;
		// deleting the veth pair first frees its neighbour entries now, so
		// that the next test starts from the global table as it was.
		exec.Command("ip", "-n", ns.Name, "link", "delete", ns.Dev).Run()
		if out, err := exec.Command("ip", "netns", "delete", ns.Name).CombinedOutput(); err != nil {
			tb.Errorf("deleting namespace %s: %v: %s", ns.Name, err, out)
		}
	})
	ns.IP(tb, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	ns.IP(tb, "link", "set", "veth0", "up")
	ns.IP(tb, "link", "set", "veth1", "up")
	ns.IP(tb, "addr", "add", "10.77.0.1/16", "dev", "veth0")
	ns.IP(tb, "addr", "add", "2001:db8:77::1/64", "dev", "veth0", "nodad")
	return ns
}

// IP runs `ip -n NAME args...` and fails the test on an error.
func (ns *NetNS) IP(tb testing.TB, args ...string) {
	tb.Helper()
	if out, err := exec.Command("ip", append([]string{"-n", ns.Name}, args...)...).CombinedOutput(); err != nil {
		tb.Fatalf("ip -n %s %v: %v: %s", ns.Name, args, err, out)
	}
}

// Batch feeds commands to `ip -n NAME -batch -`, for many entries at once.
func (ns *NetNS) Batch(tb testing.TB, commands []byte) {
	tb.Helper()
	cmd := exec.Command("ip", "-n", ns.Name, "-batch", "-")
	cmd.Stdin = bytes.NewReader(commands)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("ip -batch: %v: %s", err, out)
	}
}

// Run runs bin inside the namespace, like Run.
func (ns *NetNS) Run(tb testing.TB, env []string, bin string, args ...string) Result {
	tb.Helper()
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns.Name, bin}, args...)...)
	cmd.Env = append([]string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C", "TMPDIR=" + tb.TempDir()}, env...)
	return RunCmd(tb, cmd)
}

// Sleeper starts a process that sleeps inside the namespace (`ip netns
// exec NAME sh -c 'echo ready; exec sleep 600'`) and returns its pid once
// it runs there, for tests that name the namespace as /proc/PID/ns/net.
// It is killed when the test ends.
func (ns *NetNS) Sleeper(tb testing.TB) int {
	tb.Helper()
	cmd := exec.Command("ip", "netns", "exec", ns.Name, "sh", "-c", "echo ready; exec sleep 600")
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("ip netns exec %s sleep: %v", ns.Name, err)
	}
	tb.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	// ip netns exec execs the shell, which execs sleep: one pid, inside
	// the namespace once the shell has said so.
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "ready\n" {
		tb.Fatalf("ip netns exec %s: %q, %v", ns.Name, line, err)
	}
	return cmd.Process.Pid
}

// KeepReachable raises the reachable time of the namespace's devices, so
// that an entry added as REACHABLE stays so for the length of a test.
func (ns *NetNS) KeepReachable(tb testing.TB, devs ...string) {
	tb.Helper()
	var script bytes.Buffer
	for _, dev := range devs {
		for _, fam := range []string{"ipv4", "ipv6"} {
			fmt.Fprintf(&script, "echo 3600000 > /proc/sys/net/%s/neigh/%s/base_reachable_time_ms\n", fam, dev)
		}
	}
	if out, err := exec.Command("ip", "netns", "exec", ns.Name, "sh", "-ec", script.String()).CombinedOutput(); err != nil {
		tb.Fatalf("raising the reachable time in %s: %v: %s", ns.Name, err, out)
	}
}

// UserNSSleeper starts, as nobody, a process with a user and a network
// namespace of its own (`unshare -Urn`, as any user may) and returns its
// pid once it runs there: /proc/PID/ns/net is then a network namespace
// owned by a user namespace other than the test's. It is killed when the
// test ends. The test is skipped, with the reason, unless it runs as
// root with unshare (util-linux) and user namespaces enabled.
func UserNSSleeper(tb testing.TB) int {
	tb.Helper()
	if os.Geteuid() != 0 {
		tb.Skip("needs root to start a process as nobody and enter its namespace")
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		tb.Skip("needs unshare (util-linux)")
	}
	cmd := exec.Command("unshare", "-Urn", "sh", "-c", "echo ready; exec sleep 600")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
		tb.Skipf("unshare -Urn as nobody: %q, %v (user namespaces disabled?)", line, err)
	}
	return cmd.Process.Pid
}
