//go:build e2e && linux

package realkernel

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// lbServices are the services of the namespace lbNS, made with `ip netns
// exec lbNS ipvsadm`: a TCP service with a real server at weight 0, and
// a UDP one. lo must be up: a namespace has no local routing table
// before, and IPVS refuses a real server whose address type it cannot
// tell ("address not unicast").
const (
	lbNS       = "procnet-lb"
	lbServices = `
ip -n procnet-lb link set lo up
ip netns exec procnet-lb ipvsadm -A -t 10.9.0.1:443 -s wrr
ip netns exec procnet-lb ipvsadm -a -t 10.9.0.1:443 -r 10.9.1.2:443 -m -w 3
ip netns exec procnet-lb ipvsadm -a -t 10.9.0.1:443 -r 10.9.1.3:443 -m -w 0
ip netns exec procnet-lb ipvsadm -A -u 10.9.0.1:53 -s rr
ip netns exec procnet-lb ipvsadm -a -u 10.9.0.1:53 -r 10.9.1.4:53 -m -w 1`
	// hostServices are the initial namespace's own, all available, and a
	// sync daemon, which lbNS does not run.
	hostServices = `
ipvsadm -A -t 10.0.0.1:80 -s rr
ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2:80 -m -w 1
ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.3:80 -m -w 2
ipvsadm --start-daemon master --mcast-interface dummy0 --syncid 5`
)

// TestNetNSSeesOnlyThatNamespace: with --netns, check-ipvs and the ip_vs
// plugin (files and netlink) read the IPVS table of that namespace, its
// real server at weight 0 included, and nothing of the initial
// namespace's table; without it they read the initial one's only.
func TestNetNSSeesOnlyThatNamespace(t *testing.T) {
	if kernel.Outside(t) {
		return
	}
	setupIPVS(t)
	kernel.Sh(t, hostServices)
	t.Cleanup(func() { kernel.TrySh("ipvsadm --stop-daemon master; ipvsadm -C") })
	kernel.Sh(t, "ip netns add "+lbNS)
	t.Cleanup(func() { kernel.TrySh("ip netns delete " + lbNS) })
	kernel.Sh(t, lbServices)
	state := func() string { return filepath.Join(t.TempDir(), "state") }

	// check-ipvs: the weight 0 of lbNS, never a host service.
	for _, tt := range []struct {
		want    int
		mustSay []string
		args    []string
	}{
		{exitWarning, []string{"TCP 10.9.0.1:443 -> 10.9.1.3:443 weight 0"}, nil},
		{exitOK, []string{"1 service, 1 real server"}, []string{"-s", "UDP:10.9.0.1:53"}},
		{exitCritical, []string{"TCP 10.0.0.1:80 not present"}, []string{"--expect", "TCP:10.0.0.1:80"}},
		// The sync daemon runs in the initial namespace only: netlink is
		// asked inside lbNS.
		{exitCritical, []string{"master sync daemon not running: no sync daemon runs"}, []string{"--sync-daemon", "master"}},
	} {
		res := checkIPVS(t, tt.want, tt.mustSay, append([]string{"--netns", lbNS, "--state-file", state()}, tt.args...)...)
		if strings.Contains(res.Stdout, "10.0.1.") || strings.Contains(res.Stdout, "10.0.0.1:80 ->") {
			t.Errorf("check-ipvs --netns %s names a service of the initial namespace: %s", lbNS, res.Stdout)
		}
	}
	res := checkIPVS(t, exitOK, []string{"sync daemon master runs"}, "--sync-daemon", "master", "--state-file", state())
	if strings.Contains(res.Stdout, "10.9.") {
		t.Errorf("check-ipvs without --netns names a service of %s: %s", lbNS, res.Stdout)
	}

	// The ip_vs plugin, from the files (thread-self/net/ip_vs inside the
	// namespace) and over generic netlink opened there.
	want := map[string]float64{
		"proc.net.ip_vs.TCP_10_9_0_1_443.weight.10_9_1_2_443":    3,
		"proc.net.ip_vs.TCP_10_9_0_1_443.weight.10_9_1_3_443":    0,
		"proc.net.ip_vs.TCP_10_9_0_1_443.real_servers.total":     2,
		"proc.net.ip_vs.TCP_10_9_0_1_443.real_servers.available": 1,
		"proc.net.ip_vs.UDP_10_9_0_1_53.weight.10_9_1_4_53":      1,
	}
	for _, src := range []string{"procfs", "netlink"} {
		r := runPlugin(t, "mackerel-plugin-proc-net-ip_vs", state(), "-netns", lbNS, "-source", src)
		if r.res.ExitCode != 0 || r.res.Stderr != "" {
			t.Errorf("-source %s: exit %d, stderr %q", src, r.res.ExitCode, r.res.Stderr)
		}
		for k, v := range want {
			if got, ok := r.values[k]; !ok || got != v {
				t.Errorf("-source %s: %s = %v (present %v), want %v\n%s", src, k, got, ok, v, r.res.Stdout)
			}
		}
		for k := range r.values {
			if strings.Contains(k, "10_0_0_1") {
				t.Errorf("-source %s: key %s of the initial namespace", src, k)
			}
		}
		// netlink says the namespace runs no sync daemon; the files
		// cannot tell.
		if got, ok := r.values["proc.net.ip_vs.sync_daemon.master"]; ok != (src == "netlink") || got != 0 {
			t.Errorf("-source %s: sync_daemon.master = %v (present %v)", src, got, ok)
		}
	}
	host := runPlugin(t, "mackerel-plugin-proc-net-ip_vs", state(), "-source", "netlink")
	if host.values["proc.net.ip_vs.TCP_10_0_0_1_80.weight.10_0_1_3_80"] != 2 || host.values["proc.net.ip_vs.sync_daemon.master"] != 1 {
		t.Errorf("without -netns: not the initial namespace's table:\n%s%s", host.res.Stdout, host.res.Stderr)
	}
	for k := range host.values {
		if strings.Contains(k, "10_9_0_1") {
			t.Errorf("without -netns: key %s of %s", k, lbNS)
		}
	}

	// The per-CPU plugin reads the namespace's own net/ip_vs_stats_percpu.
	pc := testbin.Run(t, kernel.Bin(t, "mackerel-plugin-proc-net-ip_vs_stats_percpu"), nil, "--netns", lbNS, "-tempfile", state())
	if pc.ExitCode != 0 || pc.Stderr != "" {
		t.Errorf("ip_vs_stats_percpu --netns %s: exit %d, stderr %q", lbNS, pc.ExitCode, pc.Stderr)
	}
}
