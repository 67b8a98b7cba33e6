package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
)

// setup is the director: a VIP on dummy0 with four services, and a few
// neighbours in several states.
const setup = `sysctl -qw net.ipv4.vs.conntrack=1
ip link add dummy0 type dummy
ip link set dummy0 up
ip addr add 10.0.0.1/32 dev dummy0
ip addr add 2001:db8::1/128 dev dummy0 nodad
ip addr add 192.168.50.1/24 dev dummy0
ipvsadm -A -u 10.0.0.1:53 -s rr
ipvsadm -a -u 10.0.0.1:53 -r 10.0.1.5:53 -m -w 1
ipvsadm -A -t [2001:db8::1]:443 -s wlc
ipvsadm -a -t [2001:db8::1]:443 -r [2001:db8::102]:443 -m -w 2
ipvsadm -A -f 7 -s wrr
ipvsadm -a -f 7 -r 10.0.1.8:0 -g -w 3
ip neigh add 192.168.50.10 lladdr 02:00:00:00:00:10 dev dummy0 nud reachable
ip neigh add 192.168.50.11 lladdr 02:00:00:00:00:11 dev dummy0 nud stale
ip neigh add 192.168.50.12 lladdr 02:00:00:00:00:12 dev dummy0 nud permanent
ip neigh add 192.168.50.13 dev dummy0 nud incomplete
`

func inside(w io.Writer) error {
	if err := kernel.LoadModules("ip_vs", "ip_vs_rr", "ip_vs_wrr", "ip_vs_wlc", "dummy"); err != nil {
		return err
	}
	if out, err := kernel.TrySh(setup); err != nil {
		return fmt.Errorf("setting up: %v\n%s", err, out)
	}
	if _, err := kernel.Serve("127.0.0.1:8081", "hello "); err != nil {
		return err
	}
	stop, err := keepalived()
	if err != nil {
		return err
	}
	defer stop()
	if err := await("keepalived to set 127.0.0.1:8082 to weight 0", func() bool {
		out, _ := kernel.TrySh("ipvsadm -Ln -t 10.0.0.1:80")
		return strings.Contains(out, "127.0.0.1:8082") && hasWeight0(out, "127.0.0.1:8082")
	}); err != nil {
		return err
	}

	// A first run of the metric plugins keeps their counters; traffic;
	// the second run prints rates over the time between.
	for _, name := range metricPlugins {
		exec.Command(kernel.BinPath(name)).Run()
	}
	start := time.Now()
	if err := traffic(20); err != nil {
		return err
	}
	// The kernel folds its per-CPU counters into the totals every 2 s.
	time.Sleep(max(0, 3*time.Second-time.Since(start)))

	fmt.Fprintf(w, "\n== the director, as ipvsadm -Ln --stats shows it\n")
	out, _ := kernel.TrySh("ipvsadm -Ln --stats")
	fmt.Fprint(w, out)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"mackerel-plugin-proc-net-ip_vs", nil},
		{"mackerel-plugin-proc-net-ip_vs_stats_percpu", nil},
		{"mackerel-plugin-proc-net-arp", nil},
		{"check-ipvs", nil},
		{"check-ipvs", []string{"-s", "UDP:10.0.0.1:53"}},
		{"check-arp-table", nil},
	} {
		fmt.Fprintf(w, "\n== %s\n", strings.Join(append([]string{c.name}, c.args...), " "))
		cmd := exec.Command(kernel.BinPath(c.name), c.args...)
		cmd.Stdout, cmd.Stderr = w, w
		err := cmd.Run()
		code := 0
		if e, ok := err.(*exec.ExitError); ok {
			code = e.ExitCode()
		} else if err != nil {
			return err
		}
		fmt.Fprintf(w, "(exit %d)\n", code)
	}
	return nil
}

var metricPlugins = []string{"mackerel-plugin-proc-net-ip_vs", "mackerel-plugin-proc-net-ip_vs_stats_percpu", "mackerel-plugin-proc-net-arp"}

// hasWeight0 tells whether ipvsadm's line of real server rs has weight 0.
func hasWeight0(ipvsadm, rs string) bool {
	for _, line := range strings.Split(ipvsadm, "\n") {
		f := strings.Fields(line)
		if len(f) >= 4 && f[0] == "->" && f[1] == rs {
			return f[3] == "0"
		}
	}
	return false
}

// traffic makes n requests through the VIP from each CPU in turn, so
// that every CPU row of the per-CPU plugin shows connections.
func traffic(n int) error {
	for cpu := range runtime.NumCPU() {
		if err := kernel.OnCPU(cpu, func() error { return requests(n) }); err != nil {
			return err
		}
	}
	return nil
}

// requests makes n requests through the VIP.
func requests(n int) error {
	for i := range n {
		c, err := net.DialTimeout("tcp", "10.0.0.1:80", 5*time.Second)
		if err != nil {
			return fmt.Errorf("request %d through the VIP: %w", i, err)
		}
		fmt.Fprintf(c, "request %d\n", i)
		_, err = bufio.NewReader(c).ReadString('\n')
		c.Close()
		if err != nil {
			return fmt.Errorf("request %d: %w", i, err)
		}
	}
	return nil
}

func keepalived() (stop func(), err error) {
	dir, err := os.MkdirTemp("", "keepalived-")
	if err != nil {
		return nil, err
	}
	conf := filepath.Join(dir, "keepalived.conf")
	if err := os.WriteFile(conf, []byte(kernel.KeepalivedConf), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command("keepalived", "-C", "-n", "-f", conf,
		"-p", filepath.Join(dir, "keepalived.pid"), "-c", filepath.Join(dir, "checkers.pid"))
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("keepalived: %w", err)
	}
	return func() { cmd.Process.Kill(); cmd.Wait() }, nil
}

// await polls cond until it holds, for at most 30 s.
func await(what string, cond func() bool) error {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if cond() {
			return nil
		}
	}
	return fmt.Errorf("waited 30 s for %s", what)
}
