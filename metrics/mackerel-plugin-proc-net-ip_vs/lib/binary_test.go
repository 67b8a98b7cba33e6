package ipvs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

const pkg = "github.com/procnet/mackerel-plugin-proc-net/metrics/mackerel-plugin-proc-net-ip_vs"

func TestLVSDirectorValues(t *testing.T) {
	bin := testbin.Build(t, pkg)
	res := testbin.Run(t, bin, nil, "-procfs-root", testbin.Fixture("lvs-director"), "-tempfile", filepath.Join(t.TempDir(), "s.json"))
	if res.ExitCode != 0 || res.Stderr != "" {
		t.Fatalf("exit %d, stderr %q", res.ExitCode, res.Stderr)
	}
	got, _ := testbin.Values(t, res.Stdout)
	testbin.Golden(t, "lvs-director", got)
}

func TestGlobalRatesOverTwoRuns(t *testing.T) {
	bin := testbin.Build(t, pkg)
	state := filepath.Join(t.TempDir(), "s.json")
	first := testbin.Run(t, bin, nil, "-procfs-root", testbin.Fixture("lvs-director"), "-tempfile", state)
	if strings.Contains(first.Stdout, ".stats.") {
		t.Fatalf("first run printed rates without a previous state:\n%s", first.Stdout)
	}
	// The previous run, 60 s ago, had seen 12 connections fewer, 120
	// incoming packets fewer, 600 incoming bytes fewer and one outgoing
	// byte more (a reset); the fixture's totals are 0x2A conns,
	// 0x1F4/0x1C2 packets, 0x1D4C0/0x2FAF080 bytes.
	past := fmt.Sprintf(`{"_lastTime":%%d,"proc.net.ip_vs.stats.connections.conns":%d,"proc.net.ip_vs.stats.packets.in":%d,"proc.net.ip_vs.stats.packets.out":%d,"proc.net.ip_vs.stats.bytes.in":%d,"proc.net.ip_vs.stats.bytes.out":%d}`,
		0x2A-12, 0x1F4-120, 0x1C2, 0x1D4C0-600, 0x2FAF080+1)
	res, last := runWithState(t, bin, state, past, "-procfs-root", testbin.Fixture("lvs-director"), "-tempfile", state)
	growth := map[string]float64{
		"proc.net.ip_vs.stats.connections.conns": 12,
		"proc.net.ip_vs.stats.packets.in":        120,
		"proc.net.ip_vs.stats.packets.out":       0,
		"proc.net.ip_vs.stats.bytes.in":          600,
	}
	testbin.CheckRates(t, res, growth, last)
	if strings.Contains(res, "stats.bytes.out") {
		t.Errorf("a counter that went backwards produced a rate:\n%s", res)
	}
}

// runWithState writes a state whose _lastTime is 60 s before now into
// path (stateFmt has one %d for it), runs the binary and returns stdout
// and the _lastTime written.
func runWithState(t *testing.T, bin, path, stateFmt string, args ...string) (string, int64) {
	t.Helper()
	last := time.Now().Unix() - 60
	if err := os.WriteFile(path, []byte(fmt.Sprintf(stateFmt, last)), 0o600); err != nil {
		t.Fatal(err)
	}
	res := testbin.Run(t, bin, nil, args...)
	if res.ExitCode != 0 || res.Stderr != "" {
		t.Fatalf("exit %d, stderr %q", res.ExitCode, res.Stderr)
	}
	return res.Stdout, last
}

func TestTargetFlagAndPrefix(t *testing.T) {
	bin := testbin.Build(t, pkg)
	res := testbin.Run(t, bin, nil, "-target", filepath.Join(testbin.Fixture("ipvs-all-quiescent"), "net", "ip_vs"),
		"-procfs-root", testbin.Fixture("ipvs-no-services"), "-metric-key-prefix", "lb1.ipvs", "-tempfile", filepath.Join(t.TempDir(), "s"))
	got, _ := testbin.Values(t, res.Stdout)
	want := "lb1.ipvs.TCP_10_0_0_1_80.weight.10_0_1_2_80\t0\tTS\n" +
		"lb1.ipvs.TCP_10_0_0_1_80.active_conns.10_0_1_2_80\t0\tTS\n" +
		"lb1.ipvs.TCP_10_0_0_1_80.inactive_conns.10_0_1_2_80\t7\tTS\n" +
		"lb1.ipvs.TCP_10_0_0_1_80.weight.10_0_1_3_80\t0\tTS\n" +
		"lb1.ipvs.TCP_10_0_0_1_80.active_conns.10_0_1_3_80\t1\tTS\n" +
		"lb1.ipvs.TCP_10_0_0_1_80.inactive_conns.10_0_1_3_80\t2\tTS\n" +
		"lb1.ipvs.TCP_10_0_0_1_80.real_servers.total\t2\tTS\n" +
		"lb1.ipvs.TCP_10_0_0_1_80.real_servers.available\t0\tTS\n"
	if got != want || res.ExitCode != 0 {
		t.Errorf("exit %d, output\n%s\nwant\n%s", res.ExitCode, got, want)
	}
}

func TestMissingAndBrokenSources(t *testing.T) {
	bin := testbin.Build(t, pkg)
	broken := t.TempDir()
	if err := os.MkdirAll(filepath.Join(broken, "net"), 0o755); err != nil {
		t.Fatal(err)
	}
	ipvs := "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\nTCP  0A000001:0050 wlc \n  -> 0A000102:0050      Route   1      3\n"
	if err := os.WriteFile(filepath.Join(broken, "net", "ip_vs"), []byte(ipvs), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, root string
		exit       int
		stderr     []string
	}{
		{"ip_vs not loaded", testbin.Fixture("container"), 1, []string{
			"skipping services and real servers: open " + testbin.Fixture("container") + "/net/ip_vs: no such file or directory (is the ip_vs module loaded?)",
			"skipping global IPVS rates"}},
		{"cut real server line", broken, 1, []string{broken + "/net/ip_vs:5: real server: 5 fields, want 6"}},
		{"procfs root missing", filepath.Join(broken, "nope"), 1, []string{"no such file or directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := testbin.Run(t, bin, nil, "-procfs-root", tt.root, "-tempfile", filepath.Join(t.TempDir(), "s"))
			if res.ExitCode != tt.exit || res.Stdout != "" {
				t.Errorf("exit %d, stdout %q; want exit %d and nothing printed", res.ExitCode, res.Stdout, tt.exit)
			}
			for _, s := range tt.stderr {
				if !strings.Contains(res.Stderr, s) {
					t.Errorf("stderr %q lacks %q", res.Stderr, s)
				}
			}
			if strings.Contains(res.Stderr, "goroutine") || strings.Count(res.Stderr, "\n") > 2 {
				t.Errorf("stderr is not one line per skipped source: %q", res.Stderr)
			}
		})
	}
}

func TestDuplicatedServicesAreWrittenOnce(t *testing.T) {
	bin := testbin.Build(t, pkg)
	root := t.TempDir()
	svc := "TCP  0A000001:0050 wlc \n  -> 0A000102:0050      Route   1      3          17        \n  -> 0A000102:0050      Route   1      3          17        \n"
	ipvs := "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n" + svc + svc
	if err := os.MkdirAll(filepath.Join(root, "net"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "net", "ip_vs"), []byte(ipvs), 0o644); err != nil {
		t.Fatal(err)
	}
	res := testbin.Run(t, bin, nil, "-procfs-root", root, "-tempfile", filepath.Join(t.TempDir(), "s"))
	got, _ := testbin.Values(t, res.Stdout)
	if n := strings.Count(got, "\n"); n != 5 {
		t.Errorf("%d lines, want 5 (one real server, two service counts):\n%s", n, got)
	}
	// A service listed twice is what a read does while another service is
	// added: no word of it.
	if strings.Contains(res.Stderr, "duplicated service") || !strings.Contains(res.Stderr, "skipping duplicated real server 10_0_1_2_80") {
		t.Errorf("stderr %q", res.Stderr)
	}
}

func TestMetaDefinesEveryKey(t *testing.T) {
	bin := testbin.Build(t, pkg)
	meta := testbin.Run(t, bin, []string{"MACKEREL_AGENT_PLUGIN_META=1"})
	graphs := testbin.Meta(t, meta.Stdout)
	testbin.Golden(t, "meta", meta.Stdout)
	state := filepath.Join(t.TempDir(), "s.json")
	for k := range testbin.EveryValue(t, bin, state, "-procfs-root", testbin.Fixture("lvs-director"), "-tempfile", state) {
		if !testbin.Defined(graphs, k) {
			t.Errorf("%s belongs to no graph definition", k)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	bin := testbin.Build(t, pkg)
	if res := testbin.Run(t, bin, nil, "-h"); res.ExitCode != 0 || !strings.Contains(res.Stdout, "-target") {
		t.Errorf("-h: exit %d, stdout %q", res.ExitCode, res.Stdout)
	}
	if res := testbin.Run(t, bin, nil, "--version"); res.ExitCode != 0 || res.Stdout != "mackerel-plugin-proc-net-ip_vs v0.0.0-test\n" {
		t.Errorf("--version: exit %d, stdout %q", res.ExitCode, res.Stdout)
	}
	if res := testbin.Run(t, bin, nil, "-bogus"); res.ExitCode != 2 || !strings.Contains(res.Stderr, "-bogus") {
		t.Errorf("-bogus: exit %d, stderr %q", res.ExitCode, res.Stderr)
	}
}

// The two fwmark services of a mark are two services: FWM_1 (the IPv4
// one, as it always was) and FWM6_1, whichever the kernel lists first.
func TestFWMServicesOfBothFamilies(t *testing.T) {
	bin := testbin.Build(t, pkg)
	for _, fixture := range []string{"ipvs-fwm-two-families", "ipvs-fwm-two-families-flipped"} {
		res := testbin.Run(t, bin, nil, "-procfs-root", testbin.Fixture(fixture), "-tempfile", filepath.Join(t.TempDir(), "s"))
		got, _ := testbin.Values(t, res.Stdout)
		for _, want := range []string{
			"proc.net.ip_vs.FWM_1.weight.10_0_1_4_0\t2",
			"proc.net.ip_vs.FWM6_1.weight.2001_db8__104_0\t3",
			"proc.net.ip_vs.FWM6_1.weight.2001_db8__105_0\t3",
			"proc.net.ip_vs.FWM_1.real_servers.total\t1",
			"proc.net.ip_vs.FWM6_1.real_servers.total\t2",
		} {
			if !strings.Contains(got, want+"\tTS\n") {
				t.Errorf("%s: no %q in:\n%s", fixture, want, got)
			}
		}
		if strings.Contains(res.Stderr, "duplicated") {
			t.Errorf("%s: stderr %q", fixture, res.Stderr)
		}
	}
}
