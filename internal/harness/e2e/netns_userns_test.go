//go:build e2e

package e2e

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// TestNetNSOfAnotherUserNS names, as --netns, the network namespace of a
// process nobody started with a user namespace of its own (unshare
// -Urn): every binary refuses it, naming the namespace and the flag, and
// reads it with --netns-foreign-userns.
func TestNetNSOfAnotherUserNS(t *testing.T) {
	spec := "/proc/" + strconv.Itoa(testbin.UserNSSleeper(t)) + "/ns/net"
	bins := plugins(t)
	for _, b := range []struct {
		name  string
		check bool
		flag  string
	}{
		{"mackerel-plugin-proc-net-arp", false, "-netns-foreign-userns"},
		{"mackerel-plugin-proc-net-ip_vs", false, "-netns-foreign-userns"},
		{"mackerel-plugin-proc-net-ip_vs_stats_percpu", false, "-netns-foreign-userns"},
		{"check-arp-table", true, "--netns-foreign-userns"},
		{"check-ipvs", true, "--netns-foreign-userns"},
	} {
		t.Run(b.name, func(t *testing.T) {
			state := []string{"-tempfile", filepath.Join(t.TempDir(), "state")}
			if b.check {
				state = []string{"--state-file", state[1]}
			}
			args := append([]string{"--netns", spec}, state...)
			res := testbin.Run(t, bins[b.name], nil, args...)
			line, code := res.Stderr, 1
			if b.check {
				line, code = res.Stdout, 3
			}
			if res.ExitCode != code || !strings.Contains(line, "network namespace "+spec+" is owned by user namespace user:[") || !strings.Contains(line, "--netns-foreign-userns") {
				t.Errorf("exit %d %q: want a refusal naming the namespace and the flag", res.ExitCode, line)
			}
			res = testbin.Run(t, bins[b.name], nil, append(args, b.flag)...)
			if strings.Contains(res.Stdout+res.Stderr, "is owned by user namespace") {
				t.Errorf("with %s: %q %q", b.flag, res.Stdout, res.Stderr)
			}
		})
	}
}
