package checkipvs

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

func TestCheckSyncDaemonAuto(t *testing.T) {
	vip := netip.MustParseAddr("192.0.2.10")
	vip6 := netip.MustParseAddr("2001:db8::10")
	vips := map[netip.Addr]bool{vip: true, vip6: true}
	held := func(as ...netip.Addr) func() ([]procnet.InterfaceAddr, error) {
		return func() ([]procnet.InterfaceAddr, error) {
			out := []procnet.InterfaceAddr{{Addr: netip.MustParseAddr("127.0.0.1"), IfIndex: 1}}
			for _, a := range as {
				out = append(out, procnet.InterfaceAddr{Addr: a, IfIndex: 2})
			}
			return out, nil
		}
	}
	running := func(states ...string) func() ([]procnet.IPVSSyncDaemon, error) {
		return func() ([]procnet.IPVSSyncDaemon, error) {
			var ds []procnet.IPVSSyncDaemon
			for _, s := range states {
				ds = append(ds, procnet.IPVSSyncDaemon{State: s, Interface: "eth0", SyncID: 1})
			}
			return ds, nil
		}
	}
	tests := []struct {
		name  string
		vips  map[netip.Addr]bool
		addrs func() ([]procnet.InterfaceAddr, error)
		run   func() ([]procnet.IPVSSyncDaemon, error)
		want  checkers.Status
		msg   string
	}{
		{"holds a VIP, master runs", vips, held(vip6), running("master"), checkers.OK, "sync daemon master runs on eth0 (syncid 1) (this host holds 1 of 2 VIPs)"},
		{"holds a VIP, backup runs", vips, held(vip), running("backup"), checkers.CRITICAL, "master sync daemon not running; running: backup on eth0 (syncid 1) (this host holds 1 of 2 VIPs)"},
		{"holds none, backup runs", vips, held(), running("backup"), checkers.OK, "sync daemon backup runs on eth0 (syncid 1) (this host holds none of 2 VIPs)"},
		{"holds none, master runs", vips, held(), running("master"), checkers.CRITICAL, "backup sync daemon not running; running: master on eth0 (syncid 1) (this host holds none of 2 VIPs)"},
		{"fwmark services only", map[netip.Addr]bool{}, held(vip), running("master"), checkers.UNKNOWN, "sync daemon role unknown: no service address in the table"},
		{"addresses unreadable", vips, func() ([]procnet.InterfaceAddr, error) { return nil, errors.New("boom") }, running("master"), checkers.UNKNOWN, "sync daemon role unknown: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, msg := checkSyncDaemonAuto(tt.vips, tt.addrs, tt.run)
			if st != tt.want || !strings.HasPrefix(msg, tt.msg) {
				t.Errorf("got %v %q, want %v %q", st, msg, tt.want, tt.msg)
			}
		})
	}
}
