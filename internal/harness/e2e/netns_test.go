package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// TestNetNSThatCannotBeRead runs every binary with a --netns that names
// no usable network namespace. Each must say so in one line naming the
// namespace, print no value, and never panic: a check UNKNOWN (exit 3),
// a metric plugin nothing on stdout, the line on stderr and exit 1.
// None of it needs root, except the last case, whose message depends on
// whether the test may enter a namespace.
func TestNetNSThatCannotBeRead(t *testing.T) {
	bins := plugins(t)
	notNS := filepath.Join(t.TempDir(), "not-a-namespace")
	if err := os.WriteFile(notNS, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := fmt.Sprintf("procnet-no-such-ns-%d", os.Getpid())
	// The test's own namespace can be entered only with CAP_SYS_ADMIN;
	// when it can, the fixture root is the error.
	own := "needs CAP_SYS_ADMIN (run as root)"
	if os.Geteuid() == 0 {
		own = "is not the live /proc of this kernel"
	}
	cases := []struct {
		name, netns string
		want        []string
	}{
		{"missing name", missing, []string{"network namespace " + missing + " (/var/run/netns/" + missing + "): no such namespace", "ip netns list"}},
		{"missing path", "/var/run/docker/netns/" + missing, []string{"network namespace /var/run/docker/netns/" + missing + ": no such namespace"}},
		{"missing /proc/PID", "/proc/999999999/ns/net", []string{"network namespace /proc/999999999/ns/net: no such namespace"}},
		{"not a namespace file", notNS, []string{"network namespace " + notNS + ": " + notNS + " is not a namespace file"}},
		{"namespace of another kind", "/proc/self/ns/uts", []string{"/proc/self/ns/uts is a namespace of another kind"}},
		{"own namespace, fixture root", "/proc/self/ns/net", []string{"network namespace /proc/self/ns/net", own}},
	}
	binaries := []struct {
		name  string
		check string // the check's result-line name; "" for a metric plugin
		args  []string
	}{
		{"mackerel-plugin-proc-net-arp", "", []string{"-netns"}},
		{"mackerel-plugin-proc-net-ip_vs", "", []string{"--netns"}},
		{"mackerel-plugin-proc-net-ip_vs_stats_percpu", "", []string{"-netns"}},
		{"check-arp-table", "ARP-TABLE", []string{"--netns"}},
		{"check-ipvs", "IPVS", []string{"--netns"}},
	}
	for _, b := range binaries {
		for _, c := range cases {
			t.Run(b.name+"/"+c.name, func(t *testing.T) {
				args := append(append([]string{"--procfs-root", testbin.Fixture("lvs-director")}, b.args...), c.netns)
				if b.check == "" {
					args = append(args, "-tempfile", filepath.Join(t.TempDir(), "state"))
				} else {
					args = append(args, "--state-file", filepath.Join(t.TempDir(), "state"))
				}
				res := testbin.Run(t, bins[b.name], nil, args...)
				line, out := res.Stderr, res.Stdout
				wantCode := 1
				if b.check != "" {
					line, out, wantCode = res.Stdout, res.Stderr, 3
					if !strings.HasPrefix(line, b.check+" UNKNOWN: ") {
						t.Errorf("stdout %q, want %s UNKNOWN", line, b.check)
					}
				} else if !strings.HasPrefix(line, b.name+": ") {
					t.Errorf("stderr %q does not start with the binary's name", line)
				}
				if res.ExitCode != wantCode || out != "" {
					t.Errorf("exit %d (want %d), other output %q", res.ExitCode, wantCode, out)
				}
				if strings.Count(line, "\n") != 1 || strings.Contains(line, "goroutine ") {
					t.Errorf("not one line: %q", line)
				}
				for _, w := range c.want {
					if !strings.Contains(line, w) {
						t.Errorf("%q\nlacks %q", line, w)
					}
				}
			})
		}
	}
}
