package checkipvs

import (
	"errors"
	"strings"
	"testing"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

func TestCheckSyncDaemon(t *testing.T) {
	master := procnet.IPVSSyncDaemon{State: "master", Interface: "eth1", SyncID: 5}
	backup := procnet.IPVSSyncDaemon{State: "backup", Interface: "eth1", SyncID: 5}
	tests := []struct {
		want    string
		daemons []procnet.IPVSSyncDaemon
		err     error
		status  checkers.Status
		msg     string
	}{
		{"master", []procnet.IPVSSyncDaemon{master}, nil, checkers.OK, "sync daemon master runs on eth1 (syncid 5)"},
		{"backup", []procnet.IPVSSyncDaemon{master, backup}, nil, checkers.OK, "sync daemon backup runs on eth1 (syncid 5)"},
		{"backup", []procnet.IPVSSyncDaemon{master}, nil, checkers.CRITICAL, "backup sync daemon not running; running: master on eth1 (syncid 5)"},
		{"master", nil, nil, checkers.CRITICAL, "master sync daemon not running: no sync daemon runs"},
		{"master", nil, procnet.ErrIPVSNotLoaded, checkers.UNKNOWN, "sync daemons unknown: no IPVS generic netlink family"},
		{"master", nil, errors.New("operation not permitted"), checkers.UNKNOWN, "sync daemons unknown: operation not permitted"},
	}
	for _, tt := range tests {
		st, msg := checkSyncDaemon(tt.want, func() ([]procnet.IPVSSyncDaemon, error) { return tt.daemons, tt.err })
		if st != tt.status || !strings.HasPrefix(msg, tt.msg) {
			t.Errorf("want %s of %v (%v): %v %q; want %v %q", tt.want, tt.daemons, tt.err, st, msg, tt.status, tt.msg)
		}
	}
}
