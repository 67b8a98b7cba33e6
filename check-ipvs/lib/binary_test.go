package checkipvs_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

const pkg = "github.com/procnet/mackerel-plugin-proc-net/check-ipvs"

var fixture = testbin.Fixture

// root returns the --procfs-root arguments for a fixture tree.
func root(name string) []string { return []string{"--procfs-root", fixture(name)} }

func args(groups ...[]string) []string { return slices.Concat(groups...) }

type binaryCase struct {
	name       string
	env        []string
	args       []string
	wantCode   int
	wantStdout string
}

func runCases(t *testing.T, cases []binaryCase) {
	t.Helper()
	bin := testbin.Build(t, pkg)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := testbin.Run(t, bin, tc.env, tc.args...)
			if res.ExitCode != tc.wantCode || res.Stdout != tc.wantStdout {
				t.Errorf("check-ipvs %q\n got exit %d, stdout %q\nwant exit %d, stdout %q\nstderr: %s",
					tc.args, res.ExitCode, res.Stdout, tc.wantCode, tc.wantStdout, res.Stderr)
			}
			if strings.Contains(res.Stderr, "goroutine ") || strings.Contains(res.Stderr, "panic") {
				t.Errorf("stack trace on stderr:\n%s", res.Stderr)
			}
		})
	}
}

func TestBinaryDefaultRules(t *testing.T) {
	runCases(t, []binaryCase{
		{
			name:       "IPv4, IPv6, FWM, persistent, ops, mixed families, all available",
			args:       root("ipvs-all-available"),
			wantCode:   0,
			wantStdout: "IPVS OK: 6 services, 10 real servers, all available\n",
		},
		{
			name:       "one quiescent real server",
			args:       root("ipvs-one-quiescent"),
			wantCode:   1,
			wantStdout: "IPVS WARNING: TCP 10.0.0.1:80 -> 10.0.1.3:80 weight 0\n",
		},
		{
			name:     "mixed offenders, worst first",
			args:     root("ipvs-mixed-offenders"),
			wantCode: 2,
			wantStdout: "IPVS CRITICAL: TCP [2001:db8::1]:443: 0 of 2 real servers available; " +
				"UDP [2001:db8::53]:53: no real servers; " +
				"TCP 10.0.0.1:80 -> 10.0.1.3:80 weight 0; " +
				"UDP 10.0.0.1:53 -> [2001:db8::104]:53 weight 0; " +
				"FWM 42 -> 10.0.1.5:0 weight 0\n",
		},
		{
			name:     "director with empty services and an IP_<n> service",
			args:     root("lvs-director"),
			wantCode: 2,
			wantStdout: "IPVS CRITICAL: UDP 10.0.0.3:5060: no real servers; IP_47 10.0.0.4:0: no real servers; " +
				"TCP 10.0.0.1:80 -> 10.0.1.3:80 weight 0\n",
		},
		{
			name:       "all quiescent",
			args:       root("ipvs-all-quiescent"),
			wantCode:   2,
			wantStdout: "IPVS CRITICAL: TCP 10.0.0.1:80: 0 of 2 real servers available\n",
		},
		{
			name:       "a weight above 65535 and a count left at -1 are values, not a broken file",
			args:       root("ipvs-weight-above-65535"),
			wantCode:   0,
			wantStdout: "IPVS OK: 2 services, 3 real servers, all available\n",
		},
		{
			name:       "--service AH names the service the kernel prints as IP_51",
			args:       args(root("ipvs-weight-above-65535"), []string{"--service", "AH:10.0.0.1:0"}),
			wantCode:   0,
			wantStdout: "IPVS OK: 1 service, 1 real server, all available\n",
		},
		{
			name:       "--expect ESP is IP_50, which the table lacks",
			args:       args(root("ipvs-weight-above-65535"), []string{"--expect", "ESP:10.0.0.1:0"}),
			wantCode:   2,
			wantStdout: "IPVS CRITICAL: IP_50 10.0.0.1:0 not present\n",
		},
		{
			name:       "no services",
			args:       root("ipvs-no-services"),
			wantCode:   0,
			wantStdout: "IPVS OK: no virtual services configured\n",
		},
		{
			name:       "HOST_PROC names the procfs root",
			env:        []string{"HOST_PROC=" + fixture("ipvs-one-quiescent")},
			wantCode:   1,
			wantStdout: "IPVS WARNING: TCP 10.0.0.1:80 -> 10.0.1.3:80 weight 0\n",
		},
		{
			name:       "--procfs-root wins over HOST_PROC",
			env:        []string{"HOST_PROC=" + fixture("container")},
			args:       root("ipvs-all-available"),
			wantCode:   0,
			wantStdout: "IPVS OK: 6 services, 10 real servers, all available\n",
		},
	})
}

func TestBinaryServiceSelection(t *testing.T) {
	runCases(t, []binaryCase{
		{
			name:       "-s IPv4",
			args:       args(root("ipvs-mixed-offenders"), []string{"-s", "TCP:10.0.0.1:80"}),
			wantCode:   1,
			wantStdout: "IPVS WARNING: TCP 10.0.0.1:80 -> 10.0.1.3:80 weight 0\n",
		},
		{
			name:       "--service= FWM in hex",
			args:       args(root("ipvs-mixed-offenders"), []string{"--service=FWM:0x2a"}),
			wantCode:   1,
			wantStdout: "IPVS WARNING: FWM 42 -> 10.0.1.5:0 weight 0\n",
		},
		{
			name:       "-s FWM:0x1",
			args:       args(root("ipvs-all-available"), []string{"-s", "FWM:0x1"}),
			wantCode:   0,
			wantStdout: "IPVS OK: 1 service, 2 real servers, all available\n",
		},
		{
			name:       "-s IPv6 in another spelling, empty service",
			args:       args(root("ipvs-mixed-offenders"), []string{"-s", "UDP:[2001:0DB8:0:0::0053]:53"}),
			wantCode:   2,
			wantStdout: "IPVS CRITICAL: UDP [2001:db8::53]:53: no real servers\n",
		},
		{
			name:       "-s healthy service among offenders",
			args:       args(root("ipvs-mixed-offenders"), []string{"-s", "SCTP:10.0.0.2:3868"}),
			wantCode:   0,
			wantStdout: "IPVS OK: 1 service, 1 real server, all available\n",
		},
		{
			name:       "-s repeated",
			args:       args(root("ipvs-mixed-offenders"), []string{"-s", "UDP:10.0.0.1:53", "-s", "TCP:[2001:db8::1]:443"}),
			wantCode:   2,
			wantStdout: "IPVS CRITICAL: TCP [2001:db8::1]:443: 0 of 2 real servers available; UDP 10.0.0.1:53 -> [2001:db8::104]:53 weight 0\n",
		},
		{
			name:       "-s not present",
			args:       args(root("ipvs-all-available"), []string{"-s", "TCP:10.0.0.9:80"}),
			wantCode:   2,
			wantStdout: "IPVS CRITICAL: TCP 10.0.0.9:80 not present\n",
		},
		{
			name:       "--expect present",
			args:       args(root("ipvs-all-available"), []string{"--expect", "TCP:[2001:db8::1]:80", "--expect=FWM:1"}),
			wantCode:   0,
			wantStdout: "IPVS OK: 6 services, 10 real servers, all available\n",
		},
		{
			name:       "--expect not present, with the other offenders",
			args:       args(root("ipvs-one-quiescent"), []string{"--expect", "UDP:[2001:db8::1]:53"}),
			wantCode:   2,
			wantStdout: "IPVS CRITICAL: UDP [2001:db8::1]:53 not present; TCP 10.0.0.1:80 -> 10.0.1.3:80 weight 0\n",
		},
		{
			name:       "--expect on an empty table",
			args:       args(root("ipvs-no-services"), []string{"--expect", "TCP:10.0.0.1:80"}),
			wantCode:   2,
			wantStdout: "IPVS CRITICAL: TCP 10.0.0.1:80 not present\n",
		},
	})
}

func TestBinaryThresholds(t *testing.T) {
	partly := root("ipvs-partly-quiescent")
	runCases(t, []binaryCase{
		{
			name:     "defaults",
			args:     partly,
			wantCode: 1,
			wantStdout: "IPVS WARNING: TCP 10.0.0.1:80 -> 10.0.1.5:80 weight 0; " +
				"TCP 10.0.0.1:443 -> 10.0.1.4:443 weight 0; TCP 10.0.0.1:443 -> 10.0.1.5:443 weight 0; " +
				"TCP 10.0.0.1:8080 -> 10.0.1.3:8080 weight 0; TCP 10.0.0.1:8080 -> 10.0.1.4:8080 weight 0; " +
				"TCP 10.0.0.1:8080 -> 10.0.1.5:8080 weight 0\n",
		},
		{
			name:     "-w 50% -c 1",
			args:     args(partly, []string{"-w", "50%", "-c", "1"}),
			wantCode: 1,
			wantStdout: "IPVS WARNING: TCP 10.0.0.1:8080 -> 10.0.1.3:8080 weight 0; " +
				"TCP 10.0.0.1:8080 -> 10.0.1.4:8080 weight 0; TCP 10.0.0.1:8080 -> 10.0.1.5:8080 weight 0\n",
		},
		{
			name:     "-c 2 alone keeps the default warning",
			args:     args(partly, []string{"-c", "2"}),
			wantCode: 2,
			wantStdout: "IPVS CRITICAL: TCP 10.0.0.1:8080: 1 of 4 real servers available; " +
				"TCP 10.0.0.1:80 -> 10.0.1.5:80 weight 0; " +
				"TCP 10.0.0.1:443 -> 10.0.1.4:443 weight 0; TCP 10.0.0.1:443 -> 10.0.1.5:443 weight 0\n",
		},
		{
			name:     "--warning-available=75% --critical-available=50%",
			args:     args(partly, []string{"--warning-available=75%", "--critical-available=50%"}),
			wantCode: 2,
			wantStdout: "IPVS CRITICAL: TCP 10.0.0.1:8080: 1 of 4 real servers available; " +
				"TCP 10.0.0.1:443 -> 10.0.1.4:443 weight 0; TCP 10.0.0.1:443 -> 10.0.1.5:443 weight 0\n",
		},
		{
			name:       "-w 3 warns about a small healthy service",
			args:       args(partly, []string{"-s", "TCP:10.0.0.1:22", "-w", "3"}),
			wantCode:   1,
			wantStdout: "IPVS WARNING: TCP 10.0.0.1:22: 2 of 2 real servers available\n",
		},
		{
			name:       "-w 0 -c 0",
			args:       args(partly, []string{"-w", "0", "-c", "0"}),
			wantCode:   0,
			wantStdout: "IPVS OK: 4 services, 14 real servers, 6 with weight 0\n",
		},
	})
}

func TestBinaryUnknown(t *testing.T) {
	dirRoot := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dirRoot, "net", "ip_vs"), 0o755); err != nil {
		t.Fatal(err)
	}
	notLoaded := " not found: the ip_vs module is not loaded, or the file is hidden from this process (in a container, mount the host's /proc and set --procfs-root or HOST_PROC)\n"
	runCases(t, []binaryCase{
		{
			name:       "net/ip_vs missing",
			args:       root("container"),
			wantCode:   3,
			wantStdout: "IPVS UNKNOWN: " + fixture("container") + "/net/ip_vs" + notLoaded,
		},
		{
			name:       "net/ip_vs missing below HOST_PROC",
			env:        []string{"HOST_PROC=" + fixture("container")},
			wantCode:   3,
			wantStdout: "IPVS UNKNOWN: " + fixture("container") + "/net/ip_vs" + notLoaded,
		},
		{
			name:       "procfs root missing",
			args:       []string{"--procfs-root", fixture("no-such-tree")},
			wantCode:   3,
			wantStdout: "IPVS UNKNOWN: procfs root " + fixture("no-such-tree") + " not found\n",
		},
		{
			name:       "malformed",
			args:       root("ipvs-malformed"),
			wantCode:   3,
			wantStdout: "IPVS UNKNOWN: cannot parse " + fixture("ipvs-malformed") + `/net/ip_vs:6: real server: weight "one": invalid number` + "\n",
		},
		{
			name:       "unreadable",
			args:       []string{"--procfs-root", dirRoot},
			wantCode:   3,
			wantStdout: "IPVS UNKNOWN: cannot read " + dirRoot + "/net/ip_vs: is a directory\n",
		},
	})
}

func TestBinaryFlags(t *testing.T) {
	runCases(t, []binaryCase{
		{name: "unknown flag", args: []string{"-x"}, wantCode: 3, wantStdout: "IPVS UNKNOWN: unknown flag \"x\"\n"},
		{name: "single-dash long flag, as the metric plugins take them", args: []string{"-procfs-root", fixture("ipvs-all-available")}, wantCode: 0,
			wantStdout: "IPVS OK: 6 services, 10 real servers, all available\n"},
		{name: "missing value", args: []string{"--expect"}, wantCode: 3,
			wantStdout: "IPVS UNKNOWN: expected argument for flag \"--expect\"\n"},
		{name: "bad threshold", args: []string{"-w", "200%"}, wantCode: 3,
			wantStdout: `IPVS UNKNOWN: --warning-available: invalid threshold "200%": a percentage is at most 100%` + "\n"},
		{name: "bad service", args: []string{"-s", "TCP:2001:db8::1:80"}, wantCode: 3,
			wantStdout: `IPVS UNKNOWN: invalid service "TCP:2001:db8::1:80": want TCP:ADDR:PORT, IPv6 in brackets` + "\n"},
		{name: "bad firewall mark", args: []string{"--service=FWM:0x"}, wantCode: 3,
			wantStdout: `IPVS UNKNOWN: invalid service "FWM:0x": firewall mark "0x": want a number from 1 to 4294967295, decimal or 0x hex` + "\n"},
		{name: "positional argument", args: []string{"TCP:10.0.0.1:80"}, wantCode: 3,
			wantStdout: `IPVS UNKNOWN: unexpected argument "TCP:10.0.0.1:80"` + "\n"},
		{name: "--version", args: []string{"--version"}, wantCode: 0, wantStdout: "check-ipvs v0.0.0-test\n"},
	})
}

func TestBinaryHelp(t *testing.T) {
	bin := testbin.Build(t, pkg)
	for _, arg := range []string{"--help", "-h"} {
		res := testbin.Run(t, bin, nil, arg)
		if res.ExitCode != 0 || res.Stderr != "" {
			t.Errorf("check-ipvs %s: exit %d, stderr %q; want 0 and nothing", arg, res.ExitCode, res.Stderr)
		}
		for _, want := range []string{"Usage:\n  check-ipvs [OPTIONS]\n", "-s, --service=PROTO:ADDR:PORT", "-w, --warning-available=N|N%",
			"-c, --critical-available=N|N%", "--expect=PROTO:ADDR:PORT", "--procfs-root=DIR", "--version", "-h, --help",
			"--warning-capacity=N%", "--critical-capacity=N%", "--state-file=FILE", "--forget=ADDR:PORT|SERVICE|all", "--forget-after=DURATION", "(default: 7d)"} {
			if !strings.Contains(res.Stdout, want) {
				t.Errorf("check-ipvs %s: stdout lacks %q:\n%s", arg, want, res.Stdout)
			}
		}
		if strings.HasSuffix(res.Stdout, "\n\n") {
			t.Errorf("check-ipvs %s: stdout ends with a blank line", arg)
		}
	}
}

func TestBinaryManyOffendersStayUnderTheAgentLimit(t *testing.T) {
	bin := testbin.Build(t, pkg)
	res := testbin.Run(t, bin, nil, root("ipvs-many-offenders")...)
	shown := []string{"TCP [2001:db8::1]:9000: no real servers"}
	for port := 8000; port <= 8020; port++ {
		shown = append(shown, fmt.Sprintf("TCP 10.0.0.1:%d -> 10.0.2.2:%d weight 0", port, port))
	}
	want := "IPVS CRITICAL: " + strings.Join(shown, "; ") + "; ... and 39 more\n"
	if res.ExitCode != 2 || res.Stdout != want {
		t.Errorf("got exit %d, stdout %q\nwant exit 2, stdout %q", res.ExitCode, res.Stdout, want)
	}
	if n := utf8.RuneCountInString(res.Stdout); n > 1024 {
		t.Errorf("stdout is %d runes, the agent keeps 1024", n)
	}
}
