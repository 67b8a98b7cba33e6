//go:build e2e && linux

package realkernel

import (
	"bufio"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// trafficKeyParts are the parts of the keys only the netlink source
// prints: traffic, sync daemons, persistent connections.
var trafficKeyParts = []string{".persistent_conns.", ".service_conns.", ".service_packets.", ".service_bytes.", ".conns.", ".packets_in.", ".packets_out.", ".bytes_in.", ".bytes_out.", "proc.net.ip_vs.sync_daemon."}

func isTrafficKey(k string) bool {
	for _, p := range trafficKeyParts {
		if strings.Contains(k, p) {
			return true
		}
	}
	return false
}

// TestNetlinkSourceMatchesProcfs: on the table of every service kind,
// the netlink reader gives the services the /proc parser gives, and the
// plugin's weights, connection counts and real-server totals are the same
// from both sources; -source procfs prints no traffic key.
func TestNetlinkSourceMatchesProcfs(t *testing.T) {
	if kernel.Outside(t) {
		return
	}
	setupIPVS(t)
	kernel.Sh(t, everyKind)

	fromProc, err := procnet.NewFS("/proc").IPVSServices()
	if err != nil {
		t.Fatal(err)
	}
	nl, err := procnet.DialIPVS()
	if err != nil {
		t.Fatal(err)
	}
	defer nl.Close()
	fromNetlink, err := nl.Services(true)
	if err != nil {
		t.Fatal(err)
	}
	if len(fromNetlink) != len(fromProc) {
		t.Fatalf("netlink gives %d services, /proc %d", len(fromNetlink), len(fromProc))
	}
	byKey := map[string]procnet.Service{}
	for _, s := range fromProc {
		byKey[fmt.Sprint(s.Protocol, s.Addr, s.Port, s.FirewallMark)] = s
	}
	hz := kernel.HZ(t)
	for _, ns := range fromNetlink {
		p, ok := byKey[fmt.Sprint(ns.Protocol, ns.Addr, ns.Port, ns.FirewallMark)]
		if !ok {
			t.Errorf("netlink service %+v is not in /proc", ns.Service)
			continue
		}
		got := ns.Service
		got.PersistenceTimeout = p.PersistenceTimeout // jiffies in the file, seconds over netlink
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", withSortedRS(p, got)) {
			t.Errorf("service differs:\nnetlink %+v\n/proc   %+v", got, p)
		}
		if p.Persistent && uint64(ns.TimeoutSeconds)*hz != p.PersistenceTimeout {
			t.Errorf("%s %s: timeout %d s over netlink, %d jiffies (HZ %d) in /proc", p.Protocol, p.Addr, ns.TimeoutSeconds, p.PersistenceTimeout, hz)
		}
	}

	dir := t.TempDir()
	viaNetlink := runPlugin(t, "mackerel-plugin-proc-net-ip_vs", filepath.Join(dir, "n"), "-source", "netlink", "-real-server-traffic")
	viaProcfs := runPlugin(t, "mackerel-plugin-proc-net-ip_vs", filepath.Join(dir, "p"), "-source", "procfs")
	if viaNetlink.res.Stderr != "" || viaProcfs.res.Stderr != "" {
		t.Errorf("stderr: netlink %q, procfs %q", viaNetlink.res.Stderr, viaProcfs.res.Stderr)
	}
	for k, v := range viaProcfs.values {
		if isTrafficKey(k) {
			t.Errorf("-source procfs printed %s", k)
		}
		if nv, ok := viaNetlink.values[k]; !ok || nv != v {
			t.Errorf("%s: procfs %v, netlink %v (printed: %v)", k, v, nv, ok)
		}
	}
	for k := range viaNetlink.values {
		if _, ok := viaProcfs.values[k]; !ok && !isTrafficKey(k) {
			t.Errorf("netlink printed %s, procfs did not", k)
		}
	}
	if viaNetlink.values["proc.net.ip_vs.sync_daemon.master"] != 0 {
		t.Errorf("a sync daemon reported with none started")
	}
}

// withSortedRS returns p with its real servers in the order of got's,
// since the file and the dump need not list them alike.
func withSortedRS(p, got procnet.Service) procnet.Service {
	out := p
	out.RealServers = nil
	for _, g := range got.RealServers {
		for _, r := range p.RealServers {
			if r.Addr == g.Addr && r.Port == g.Port {
				out.RealServers = append(out.RealServers, r)
			}
		}
	}
	if len(out.RealServers) != len(p.RealServers) {
		return p
	}
	return out
}

// trafficServices are NAT services of every kind that can carry traffic
// here, each to a listener of this test, and an SCTP service without.
const trafficServices = `sysctl -qw net.ipv4.vs.conntrack=1
ip addr replace 10.0.0.5/32 dev dummy0
ip addr replace 2001:db8::2/128 dev dummy0 nodad
ipvsadm -A -t 10.0.0.1:80 -s rr
ipvsadm -a -t 10.0.0.1:80 -r 127.0.0.1:8080 -m
ipvsadm -A -u 10.0.0.1:53 -s rr
ipvsadm -a -u 10.0.0.1:53 -r 127.0.0.1:5353 -m
ipvsadm -A -t [2001:db8::1]:80 -s rr
ipvsadm -a -t [2001:db8::1]:80 -r [2001:db8::2]:8080 -m
ipvsadm -A -f 7 -s rr
ipvsadm -a -f 7 -r 127.0.0.1:8081 -m
ipvsadm -A --sctp-service 10.0.0.1:3868 -s rr
ipvsadm -a --sctp-service 10.0.0.1:3868 -r 10.0.1.6:3868 -m -w 1
`

// flows are the connections each service gets per round; each returns
// how many it made (see request).
var flows = map[string]func(t *testing.T, i int) int{
	"TCP_10_0_0_1_80":    func(t *testing.T, i int) int { return tcpRequest(t, "tcp4", "10.0.0.1:80", 0, i) },
	"UDP_10_0_0_1_53":    func(t *testing.T, i int) int { return udpRequest(t, "10.0.0.1:53", i) },
	"TCP_2001_db8__1_80": func(t *testing.T, i int) int { return tcpRequest(t, "tcp6", "[2001:db8::1]:80", 0, i) },
	"FWM_7":              func(t *testing.T, i int) int { return tcpRequest(t, "tcp4", "10.0.0.5:8081", 7, i) },
	"SCTP_10_0_0_1_3868": nil, // no SCTP client here: its rates must be 0
}

func startTrafficServers(t *testing.T) {
	t.Helper()
	echoServer(t, "127.0.0.1:8080")
	echoServer(t, "127.0.0.1:8081")
	echoServer(t, "[2001:db8::2]:8080")
	pc, err := net.ListenPacket("udp", "127.0.0.1:5353")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 512)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			pc.WriteTo(append([]byte("echo "), buf[:n]...), from)
		}
	}()
}

// request makes one request with attempt, each on a new connection (a new
// IPVS connection): an answer lost under the emulated CPU (seen once in
// bullseye's kernel: a TCP request unanswered for 13 minutes) is asked
// again, at most twice, instead of hanging the whole boot. It returns how
// many connections it made, which is what ipvsadm counts.
func request(t *testing.T, what string, attempt func() error) int {
	t.Helper()
	for made := 1; ; made++ {
		err := attempt()
		if err == nil {
			return made
		}
		if made == 3 {
			t.Fatalf("%s: %v (3 connections)", what, err)
		}
		t.Logf("%s: %v; asked again on a new connection", what, err)
	}
}

// tcpRequest makes one request through a VIP, its packets marked with
// mark when not 0 (SO_MARK: what an FWM service matches).
func tcpRequest(t *testing.T, network, addr string, mark int, i int) int {
	t.Helper()
	d := net.Dialer{Timeout: 5 * time.Second}
	if mark != 0 {
		d.Control = func(_, _ string, c syscall.RawConn) error {
			var serr error
			if err := c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_MARK, mark) }); err != nil {
				return err
			}
			return serr
		}
	}
	return request(t, fmt.Sprintf("request %d to %s", i, addr), func() error {
		c, err := d.Dial(network, addr)
		if err != nil {
			return err
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		fmt.Fprintf(c, "request %d\n", i)
		if answer, err := bufio.NewReader(c).ReadString('\n'); err != nil || answer != fmt.Sprintf("echo request %d\n", i) {
			return fmt.Errorf("answer %q, %v", answer, err)
		}
		return nil
	})
}

// udpRequest sends one datagram from a socket of its own (a new IPVS
// connection each) and reads the answer.
func udpRequest(t *testing.T, addr string, i int) int {
	t.Helper()
	return request(t, fmt.Sprintf("datagram %d to %s", i, addr), func() error {
		c, err := net.Dial("udp4", addr)
		if err != nil {
			return err
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		fmt.Fprintf(c, "datagram %d", i)
		buf := make([]byte, 512)
		n, err := c.Read(buf)
		if err != nil || string(buf[:n]) != fmt.Sprintf("echo datagram %d", i) {
			return fmt.Errorf("answer %q, %v", buf[:n], err)
		}
		return nil
	})
}

// serviceTotals reads ipvsadm's counters by service id, and its real
// servers' by service id + "." + real server id.
func serviceTotals(t *testing.T) (svc, rs map[string][5]uint64) {
	t.Helper()
	svc, rs = map[string][5]uint64{}, map[string][5]uint64{}
	for _, s := range ipvsadmList(t, true) {
		svc[s.id] = [5]uint64{s.conns, s.inPkts, s.outPkts, s.inBytes, s.outBytes}
		for _, r := range s.realServers {
			rs[s.id+"."+r.id] = [5]uint64{r.conns, r.inPkts, r.outPkts, r.inB, r.outB}
		}
	}
	return svc, rs
}

// awaitConns waits until ipvsadm counts want connections for every
// service: the estimator has then folded this round's counters, packets
// and bytes with them.
func awaitConns(t *testing.T, want map[string]uint64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		svc, _ := serviceTotals(t)
		done := true
		for id, n := range want {
			done = done && svc[id][0] == n
		}
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("ipvsadm's connection counts did not reach %v within 20 s:\n%s", want, kernel.Sh(t, "ipvsadm -Ln --stats --exact"))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

var serviceTrafficParts = [5]string{".service_conns.new", ".service_packets.in", ".service_packets.out", ".service_bytes.in", ".service_bytes.out"}
var realServerTrafficParts = [5]string{".conns.", ".packets_in.", ".packets_out.", ".bytes_in.", ".bytes_out."}

// TestPerServiceTrafficEqualsIpvsadmDeltas sends traffic through TCP,
// UDP, IPv6 and FWM services: the per-service rates of the default
// (netlink) run, and the per-real-server rates with -real-server-traffic,
// equal the growth of `ipvsadm -Ln --stats --exact` over each run's own
// interval; the SCTP service, without traffic, has rates of 0.
func TestPerServiceTrafficEqualsIpvsadmDeltas(t *testing.T) {
	if kernel.Outside(t) {
		return
	}
	setupIPVS(t)
	kernel.Sh(t, trafficServices)
	startTrafficServers(t)
	dir := t.TempDir()
	svcState, rsState := filepath.Join(dir, "svc"), filepath.Join(dir, "rs")
	want := map[string]uint64{}
	var made map[string]uint64 // by the last round
	round := func(n int) {
		made = map[string]uint64{}
		for id, flow := range flows {
			if flow == nil {
				continue
			}
			for i := range n {
				made[id] += uint64(flow(t, i))
			}
			want[id] += made[id]
		}
		awaitConns(t, want)
	}
	round(1)
	svcBefore, rsBefore := serviceTotals(t)
	runPlugin(t, "mackerel-plugin-proc-net-ip_vs", svcState)
	runPlugin(t, "mackerel-plugin-proc-net-ip_vs", rsState, "-real-server-traffic")
	svcFrom, rsFrom := testbin.AgeState(t, svcState), testbin.AgeState(t, rsState)

	round(3)
	svcAfter, rsAfter := serviceTotals(t)
	bySvc := runPlugin(t, "mackerel-plugin-proc-net-ip_vs", svcState)
	byRS := runPlugin(t, "mackerel-plugin-proc-net-ip_vs", rsState, "-real-server-traffic")
	if bySvc.res.Stderr != "" || byRS.res.Stderr != "" {
		t.Errorf("stderr: %q, %q", bySvc.res.Stderr, byRS.res.Stderr)
	}
	for id := range flows {
		for i, part := range serviceTrafficParts {
			k := "proc.net.ip_vs." + id + part
			delta := svcAfter[id][i] - svcBefore[id][i]
			for _, r := range []struct {
				what string
				run  run
				from int64
			}{{"default", bySvc, svcFrom}, {"-real-server-traffic", byRS, rsFrom}} {
				w := perMinute(delta, r.from, r.run.stamp)
				if got, ok := r.run.values[k]; !ok || !near(got, w) {
					t.Errorf("%s: %s = %v (printed: %v), want %v (ipvsadm grew by %d)", r.what, k, got, ok, w, delta)
				}
			}
			if flows[id] != nil && i == 0 && (delta != made[id] || delta < 3) {
				t.Errorf("%s: ipvsadm counted %d new connections, want the %d made (3 requests)", id, delta, made[id])
			}
		}
	}
	for key, after := range rsAfter {
		svcID, rsID, _ := strings.Cut(key, ".")
		for i, part := range realServerTrafficParts {
			k := "proc.net.ip_vs." + svcID + part + rsID
			delta := after[i] - rsBefore[key][i]
			w := perMinute(delta, rsFrom, byRS.stamp)
			if got, ok := byRS.values[k]; !ok || !near(got, w) {
				t.Errorf("%s = %v (printed: %v), want %v (ipvsadm grew by %d)", k, got, ok, w, delta)
			}
			if _, ok := bySvc.values[k]; ok {
				t.Errorf("%s printed without -real-server-traffic", k)
			}
		}
	}

	// ipvsadm -Z: every counter that had counted goes back and gives no
	// rate rather than a spike; those still at 0 (SCTP) give 0.
	kernel.Sh(t, "ipvsadm -Z")
	testbin.AgeState(t, svcState)
	testbin.AgeState(t, rsState)
	for _, r := range []run{runPlugin(t, "mackerel-plugin-proc-net-ip_vs", svcState), runPlugin(t, "mackerel-plugin-proc-net-ip_vs", rsState, "-real-server-traffic")} {
		for k, v := range r.values {
			if isTrafficKey(k) && !strings.Contains(k, ".sync_daemon.") && v != 0 {
				t.Errorf("after ipvsadm -Z: %s = %v", k, v)
			}
		}
	}
}

// TestSyncDaemonReportedAndChecked starts and stops the IPVS sync daemon
// as master and backup: the plugin reports each, and check-ipvs
// --sync-daemon is OK when the asked one runs and CRITICAL naming what
// runs instead when it does not.
func TestSyncDaemonReportedAndChecked(t *testing.T) {
	if kernel.Outside(t) {
		return
	}
	setupIPVS(t)
	kernel.Sh(t, "ipvsadm -A -t 10.0.0.1:80 -s rr\nipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2:80 -m")
	state := filepath.Join(t.TempDir(), "s")
	daemons := func(master, backup float64) {
		t.Helper()
		r := runPlugin(t, "mackerel-plugin-proc-net-ip_vs", state)
		if m, b := r.values["proc.net.ip_vs.sync_daemon.master"], r.values["proc.net.ip_vs.sync_daemon.backup"]; m != master || b != backup {
			t.Errorf("sync_daemon master %v backup %v, want %v %v; ipvsadm -L --daemon:\n%s", m, b, master, backup, kernel.Sh(t, "ipvsadm -L --daemon"))
		}
	}
	daemons(0, 0)
	checkIPVS(t, exitCritical, []string{"no sync daemon runs"}, "--sync-daemon", "master")

	kernel.Sh(t, "ipvsadm --start-daemon master --mcast-interface dummy0 --syncid 5")
	daemons(1, 0)
	checkIPVS(t, exitOK, []string{"sync daemon master runs"}, "--sync-daemon", "master")
	checkIPVS(t, exitCritical, []string{"backup sync daemon not running", "master on dummy0"}, "--sync-daemon", "backup")

	kernel.Sh(t, "ipvsadm --start-daemon backup --mcast-interface dummy0 --syncid 5")
	daemons(1, 1)
	checkIPVS(t, exitOK, nil, "--sync-daemon", "backup")

	kernel.Sh(t, "ipvsadm --stop-daemon master")
	daemons(0, 1)
	checkIPVS(t, exitCritical, []string{"master sync daemon not running", "backup on dummy0"}, "--sync-daemon", "master")
	kernel.Sh(t, "ipvsadm --stop-daemon backup")
	daemons(0, 0)
}
