package checkipvs

import (
	"fmt"
	"net/netip"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// syncDaemonAuto is --sync-daemon auto: the role the VIPs give this host.
const syncDaemonAuto = "auto"

// vipRecorder is an ipvsTable that gathers the addresses of the services
// its reads give (fwmark services have none), for --sync-daemon auto: the
// table is read once for both.
type vipRecorder struct {
	ipvsTable
	vips map[netip.Addr]bool
}

func (r *vipRecorder) WalkFile(fn func(*procnet.Service) error) error {
	return r.ipvsTable.WalkFile(func(s *procnet.Service) error {
		if !s.IsFWM() && s.Addr.IsValid() {
			r.vips[s.Addr.Unmap()] = true
		}
		return fn(s)
	})
}

// recordingVIPs wraps open so that the table it opens records into vips.
func recordingVIPs(open func(procnet.FS) (ipvsTable, error), vips map[netip.Addr]bool) func(procnet.FS) (ipvsTable, error) {
	return func(fs procnet.FS) (ipvsTable, error) {
		t, err := open(fs)
		if err != nil {
			return nil, err
		}
		return &vipRecorder{ipvsTable: t, vips: vips}, nil
	}
}

// expectedSyncDaemon is the sync daemon --sync-daemon auto expects: master
// where an interface of the namespace holds any service address (the
// keepalived MASTER holds the VIPs), backup where none does. With no
// service address in the table (none, or fwmark services only) there is
// nothing to tell the roles by: ok is false and why says so.
func expectedSyncDaemon(vips map[netip.Addr]bool, addrs []procnet.InterfaceAddr) (want, why string, ok bool) {
	if len(vips) == 0 {
		return "", "sync daemon role unknown: no service address in the table to tell master from backup (give --sync-daemon master or backup)", false
	}
	held := map[netip.Addr]bool{}
	for _, a := range addrs {
		if vips[a.Addr.Unmap()] {
			held[a.Addr.Unmap()] = true
		}
	}
	if len(held) > 0 {
		return "master", fmt.Sprintf("this host holds %d of %d VIPs", len(held), len(vips)), true
	}
	return "backup", fmt.Sprintf("this host holds none of %d VIPs", len(vips)), true
}

// checkSyncDaemonAuto is checkSyncDaemon for the role the VIPs give.
func checkSyncDaemonAuto(vips map[netip.Addr]bool, readAddrs func() ([]procnet.InterfaceAddr, error), read func() ([]procnet.IPVSSyncDaemon, error)) (checkers.Status, string) {
	addrs, err := readAddrs()
	if err != nil {
		return checkers.UNKNOWN, fmt.Sprintf("sync daemon role unknown: %v", err)
	}
	want, why, ok := expectedSyncDaemon(vips, addrs)
	if !ok {
		return checkers.UNKNOWN, why
	}
	st, msg := checkSyncDaemon(want, read)
	return st, msg + " (" + why + ")"
}
