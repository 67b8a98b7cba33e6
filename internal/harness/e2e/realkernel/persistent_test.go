//go:build e2e && linux

package realkernel

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
)

// persistConnsOracle reads `ipvsadm -Ln --persistent-conn`: the
// PersistConn column of every real server, by "<service id>.<real
// server id>" (the plugin's key without the graph), for the services
// shown as persistent.
func persistConnsOracle(t *testing.T) map[string]uint64 {
	t.Helper()
	out := kernel.Sh(t, "ipvsadm -Ln --persistent-conn")
	want := map[string]uint64{}
	svc := ""
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 0, strings.HasPrefix(line, "IP Virtual Server"), f[0] == "Prot",
			f[0] == "->" && len(f) > 1 && strings.HasPrefix(f[1], "RemoteAddress"):
		case f[0] == "->":
			// -> ADDR:PORT WEIGHT PERSISTCONN ACTIVECONN INACTCONN
			if svc == "" {
				continue
			}
			if len(f) != 6 {
				t.Fatalf("ipvsadm --persistent-conn line %q, want 6 fields:\n%s", line, out)
			}
			n, err := strconv.ParseUint(f[3], 10, 64)
			if err != nil {
				t.Fatalf("ipvsadm --persistent-conn line %q: %v", line, err)
			}
			want[svc+"."+addrPortID(t, f[1])] = n
		default:
			svc = ""
			if strings.Contains(line, " persistent ") {
				svc, _ = oracleServiceID(t, f)
			}
		}
	}
	return want
}

// A persistent NAT service, with real traffic, holds one persistence
// template for this test's one client: with -persistent-conns the plugin
// prints persistent_conns per real server as `ipvsadm -Ln
// --persistent-conn` shows, over both netlink paths, and nothing of the
// kind for a service without persistence; without it, nothing.
func TestPersistentConnsEqualIpvsadm(t *testing.T) {
	if kernel.Outside(t) {
		return
	}
	setupIPVS(t)
	kernel.Sh(t, `sysctl -qw net.ipv4.vs.conntrack=1
ipvsadm -A -t 10.0.0.1:80 -s rr -p 300
ipvsadm -a -t 10.0.0.1:80 -r 127.0.0.1:8080 -m -w 1
ipvsadm -a -t 10.0.0.1:80 -r 127.0.0.2:8080 -m -w 1
ipvsadm -A -t 10.0.0.1:81 -s rr
ipvsadm -a -t 10.0.0.1:81 -r 127.0.0.1:8080 -m -w 1`)
	echoServer(t, "127.0.0.1:8080")
	echoServer(t, "127.0.0.2:8080")
	connect(t, 4)
	want := persistConnsOracle(t)
	var sum uint64
	for _, n := range want {
		sum += n
	}
	if len(want) != 2 || sum != 1 {
		t.Fatalf("ipvsadm shows persistent connections %v, want 1 template on one of 2 real servers", want)
	}
	for _, args := range [][]string{nil, {"-persistent-conns"}, {"-persistent-conns", "-real-server-traffic"}} {
		r := runPlugin(t, "mackerel-plugin-proc-net-ip_vs", filepath.Join(t.TempDir(), "s"), args...)
		if r.res.ExitCode != 0 || r.res.Stderr != "" {
			t.Errorf("%v: exit %d stderr %q", args, r.res.ExitCode, r.res.Stderr)
		}
		got := map[string]uint64{}
		for k, v := range r.values {
			if svc, rs, ok := strings.Cut(strings.TrimPrefix(k, "proc.net.ip_vs."), ".persistent_conns."); ok {
				got[svc+"."+rs] = uint64(v)
			}
		}
		if args == nil {
			if len(got) != 0 {
				t.Errorf("persistent_conns without -persistent-conns: %v", got)
			}
			continue
		}
		if len(got) != len(want) {
			t.Errorf("%v: persistent_conns %v, want %v:\n%s", args, got, want, r.res.Stdout)
		}
		for k, n := range want {
			if g, ok := got[k]; !ok || g != n {
				t.Errorf("%v: persistent_conns of %s = %d (printed %v), want %d", args, k, g, ok, n)
			}
		}
	}
}
