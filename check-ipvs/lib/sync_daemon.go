package checkipvs

import (
	"fmt"
	"strings"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// readSyncDaemons asks the kernel which sync daemons run in the network
// namespace ns (nil: the check's own).
func readSyncDaemons(ns *procnet.NetNS) ([]procnet.IPVSSyncDaemon, error) {
	nl, err := procnet.DialIPVSIn(ns)
	if err != nil {
		return nil, err
	}
	defer nl.Close()
	return nl.SyncDaemons()
}

// checkSyncDaemon is CRITICAL when the sync daemon want (master or
// backup) is not running, naming what runs instead, and UNKNOWN when the
// kernel cannot be asked.
func checkSyncDaemon(want string, read func() ([]procnet.IPVSSyncDaemon, error)) (checkers.Status, string) {
	ds, err := read()
	if err != nil {
		return checkers.UNKNOWN, fmt.Sprintf("sync daemons unknown: %v", err)
	}
	var running []string
	for _, d := range ds {
		where := fmt.Sprintf("on %s (syncid %d)", d.Interface, d.SyncID)
		if d.State == want {
			return checkers.OK, "sync daemon " + want + " runs " + where
		}
		running = append(running, d.State+" "+where)
	}
	if len(running) == 0 {
		return checkers.CRITICAL, want + " sync daemon not running: no sync daemon runs"
	}
	return checkers.CRITICAL, want + " sync daemon not running; running: " + strings.Join(running, ", ")
}
