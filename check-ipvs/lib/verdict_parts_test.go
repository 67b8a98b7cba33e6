package checkipvs

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/internal/checkrun"
	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// runFixture runs the check on a fixture tree with the sync daemons read
// as daemons/err say.
func runFixture(t *testing.T, tree string, daemons []procnet.IPVSSyncDaemon, derr error, args ...string) *checkers.Checker {
	t.Helper()
	args = append([]string{"--procfs-root", testbin.Fixture(tree), "--state-file", filepath.Join(t.TempDir(), "state")}, args...)
	opts, err := parseOptions(args)
	if err != nil {
		t.Fatal(err)
	}
	read := func(*procnet.NetNS) ([]procnet.IPVSSyncDaemon, error) { return daemons, derr }
	return run(opts, runEnv{now: time.Now(), readSyncDaemons: read, stderr: &bytes.Buffer{}})
}

// The parts of the verdict combine as OK < WARNING < UNKNOWN < CRITICAL:
// a known failure is CRITICAL whatever else is unknown. What made the
// status worse than the table's verdict leads the message.
func TestRunCombinesTheSyncDaemon(t *testing.T) {
	noNetlink := errors.New(`generic netlink family "IPVS" not found`)
	master := procnet.IPVSSyncDaemon{State: "master", Interface: "eth1", SyncID: 5}
	tests := []struct {
		name    string
		tree    string
		daemons []procnet.IPVSSyncDaemon
		err     error
		want    checkers.Status
		wantMsg string
	}{
		{"all quiescent, daemons unknown: CRITICAL", "ipvs-all-quiescent", nil, noNetlink, checkers.CRITICAL,
			`TCP 10.0.0.1:80: 0 of 2 real servers available; sync daemons unknown: generic netlink family "IPVS" not found`},
		{"one quiescent, daemons unknown: UNKNOWN", "ipvs-one-quiescent", nil, noNetlink, checkers.UNKNOWN,
			`sync daemons unknown: generic netlink family "IPVS" not found; TCP 10.0.0.1:80 -> 10.0.1.3:80 weight 0`},
		{"all available, daemons unknown: UNKNOWN", "ipvs-pool-of-three", nil, noNetlink, checkers.UNKNOWN,
			`sync daemons unknown: generic netlink family "IPVS" not found; 1 service, 3 real servers, all available`},
		{"one quiescent, daemon missing: CRITICAL", "ipvs-one-quiescent", nil, nil, checkers.CRITICAL,
			`master sync daemon not running: no sync daemon runs; TCP 10.0.0.1:80 -> 10.0.1.3:80 weight 0`},
		{"one quiescent, daemon runs: WARNING", "ipvs-one-quiescent", []procnet.IPVSSyncDaemon{master}, nil, checkers.WARNING,
			`TCP 10.0.0.1:80 -> 10.0.1.3:80 weight 0; sync daemon master runs on eth1 (syncid 5)`},
	}
	for _, tt := range tests {
		got := runFixture(t, tt.tree, tt.daemons, tt.err, "--sync-daemon", "master")
		if got.Status != tt.want || got.Message != tt.wantMsg {
			t.Errorf("%s: %s %q, want %s %q", tt.name, got.Status, got.Message, tt.want, tt.wantMsg)
		}
	}
}

// A message cut to the agent's limit keeps the sync daemon's verdict and
// the "... and N more" count of what was cut.
func TestRunFitsTheWholeLine(t *testing.T) {
	long := errors.New("netlink: " + strings.Repeat("x", 2000))
	tests := []struct {
		name     string
		err      error
		wantTail string
	}{
		{"daemon missing", nil, "; master sync daemon not running: no sync daemon runs"},
		{"daemons unknown, a long error cut to half the line", long, "xxx..."},
	}
	for _, tt := range tests {
		got := runFixture(t, "ipvs-many-offenders", nil, tt.err, "--sync-daemon", "master")
		line := "IPVS " + got.Status.String() + ": " + got.Message
		if got.Status != checkers.CRITICAL || !strings.HasSuffix(line, tt.wantTail) || !strings.Contains(line, " more; ") {
			t.Errorf("%s: %s, line %q", tt.name, got.Status, line)
		}
		if n := utf8.RuneCountInString(line); n > checkrun.LineLimit {
			t.Errorf("%s: line is %d runes, want at most %d", tt.name, n, checkrun.LineLimit)
		}
		// What the runner prints is the same line, uncut.
		if b := checkrun.Bound("IPVS", got.Status, got.Message); b != got.Message {
			t.Errorf("%s: the runner would cut the line further: %q", tt.name, b)
		}
	}
}
