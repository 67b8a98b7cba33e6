package checkarptable

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

const importPath = "github.com/procnet/mackerel-plugin-proc-net/check-arp-table"

func binary(t testing.TB) string {
	t.Helper()
	return testbin.Build(t, importPath)
}

// runFixture runs the binary on a fixture tree with a fresh state file
// unless args name one.
func runFixture(t *testing.T, fixture string, args ...string) testbin.Result {
	t.Helper()
	all := append([]string{"--procfs-root", testbin.Fixture(fixture)}, args...)
	if !containsFlag(args, "--state-file") {
		all = append(all, "--state-file", filepath.Join(t.TempDir(), "state.json"))
	}
	return testbin.Run(t, binary(t), nil, all...)
}

func containsFlag(args []string, flag string) bool {
	for _, a := range args {
		if a == flag || strings.HasPrefix(a, flag+"=") {
			return true
		}
	}
	return false
}

// checkResult asserts the exit code, that stdout is one line, and that it
// is want exactly, or holds every part of want when want starts with "~".
func checkResult(t *testing.T, res testbin.Result, code int, want ...string) {
	t.Helper()
	if res.ExitCode != code {
		t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", res.ExitCode, code, res.Stdout, res.Stderr)
	}
	out := res.Stdout
	if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
		t.Errorf("stdout is not one line: %q", out)
	}
	if strings.Contains(res.Stderr, "goroutine ") || strings.Contains(out, "panic") {
		t.Errorf("panic:\n%s%s", out, res.Stderr)
	}
	if len([]rune(out)) > 1024 {
		t.Errorf("stdout is %d runes, the agent keeps 1024", len([]rune(out)))
	}
	out = strings.TrimSuffix(out, "\n")
	if len(want) == 1 && !strings.HasPrefix(want[0], "~") {
		if out != want[0] {
			t.Errorf("stdout\n got: %s\nwant: %s", out, want[0])
		}
		return
	}
	for _, w := range want {
		if !strings.Contains(out, strings.TrimPrefix(w, "~")) {
			t.Errorf("stdout %q\nlacks %q", out, strings.TrimPrefix(w, "~"))
		}
	}
}

func fixturePath(name, rel string) string { return filepath.Join(testbin.Fixture(name), rel) }

func TestBinaryOnFixtures(t *testing.T) {
	nearFull := fixturePath("arp-table-near-full", "net/stat/arp_cache")
	tests := []struct {
		name    string
		fixture string
		args    []string
		code    int
		want    []string
	}{
		{
			name: "near full: warning", fixture: "arp-table-near-full", code: 1,
			want: []string{"ARP-TABLE WARNING: 850 of 1024 entries (83.0% of gc_thresh3; gc_thresh2 512); 0 table overflows so far, none to compare with (first check); source " + nearFull},
		},
		{
			name: "near full: absolute thresholds", fixture: "arp-table-near-full", args: []string{"-w", "900", "-c", "1000"}, code: 0,
			want: []string{"ARP-TABLE OK: 850 of 1024 entries (83.0% of gc_thresh3; gc_thresh2 512); 0 table overflows so far, none to compare with (first check); source " + nearFull},
		},
		{
			name: "near full: critical percentage reached", fixture: "arp-table-near-full", args: []string{"--warning=50%", "--critical=80%"}, code: 2,
			want: []string{"~ARP-TABLE CRITICAL: 850 of 1024 entries (83.0% of gc_thresh3"},
		},
		{
			name: "near full: --gc-thresh3 wins over the sysctls", fixture: "arp-table-near-full", args: []string{"--gc-thresh3", "2048"}, code: 0,
			want: []string{"ARP-TABLE OK: 850 of 2048 entries (41.5% of gc_thresh3; gc_thresh2 512); 0 table overflows so far, none to compare with (first check); source " + nearFull + ", gc_thresh3 from --gc-thresh3"},
		},
		{
			name: "near full: inet6 reads ndisc_cache and the ipv6 sysctls", fixture: "arp-table-near-full", args: []string{"--family", "inet6"}, code: 2,
			want: []string{"NDP-TABLE CRITICAL: 928 of 1024 ndisc_cache entries (90.6% of gc_thresh3; gc_thresh2 512); 0 table overflows so far, none to compare with (first check); source " + fixturePath("arp-table-near-full", "net/stat/ndisc_cache")},
		},
		{
			name: "permanent-heavy: this namespace's permanent rows are not counted on 5.15", fixture: "arp-table-permanent-heavy", code: 0,
			want: []string{"ARP-TABLE OK: 660 of 1024 entries (64.5% of gc_thresh3; gc_thresh2 512); 960 in the whole table, less 300 permanent entries of this namespace; 0 table overflows so far, none to compare with (first check); source " + fixturePath("arp-table-permanent-heavy", "net/stat/arp_cache")},
		},
		{
			name: "permanent-heavy: refined count still warns", fixture: "arp-table-permanent-heavy", args: []string{"-w", "600", "-c", "700"}, code: 1,
			want: []string{"~ARP-TABLE WARNING: 660 of 1024 entries", "~less 300 permanent entries"},
		},
		{
			name: "kernel 4.19: permanent entries count against the limit", fixture: "arp-table-kernel-4.19-permanent", code: 2,
			want: []string{"ARP-TABLE CRITICAL: 960 of 1024 entries (93.8% of gc_thresh3; gc_thresh2 512); 0 table overflows so far, none to compare with (first check); source " + fixturePath("arp-table-kernel-4.19-permanent", "net/stat/arp_cache") + "; kernel 4.19 counts permanent entries against gc_thresh3"},
		},
		{
			// net/arp is damaged: below the warning level it must not be read.
			name: "below warning: net/arp not opened", fixture: "arp-table-below-warning-broken-arp", code: 0,
			want: []string{"ARP-TABLE OK: 64 of 1024 entries (6.2% of gc_thresh3; gc_thresh2 512); 0 table overflows so far, none to compare with (first check); source " + fixturePath("arp-table-below-warning-broken-arp", "net/stat/arp_cache")},
		},
		{
			// The same tree at the warning level: net/arp is read, its damage
			// is named, and the unrefined (higher) count is kept.
			name: "at warning: damaged net/arp named, global count kept", fixture: "arp-table-below-warning-broken-arp", args: []string{"-w", "64", "-c", "100"}, code: 1,
			want: []string{"~ARP-TABLE WARNING: 64 of 1024 entries", "~permanent entries not subtracted: " + fixturePath("arp-table-below-warning-broken-arp", "net/arp") + ":3: "},
		},
		{
			name: "container: rows of net/arp against --gc-thresh3", fixture: "arp-table-container-rows", args: []string{"--gc-thresh3", "100"}, code: 1,
			want: []string{"ARP-TABLE WARNING: 80 of 100 entries (80.0% of gc_thresh3); table overflows unknown from this source; source " + fixturePath("arp-table-container-rows", "net/arp") + " rows of this namespace only, gc_thresh3 from --gc-thresh3"},
		},
		{
			name: "container: no limit known, not live so no rtnetlink", fixture: "arp-table-container-rows", code: 3,
			want: []string{"~ARP-TABLE UNKNOWN: ", "~give --gc-thresh3", "~rtnetlink not asked"},
		},
		{
			name: "container: no ndisc_cache count for inet6", fixture: "arp-table-container-rows", args: []string{"--family", "inet6", "--gc-thresh3", "100"}, code: 3,
			want: []string{"~NDP-TABLE UNKNOWN: no count of the ndisc_cache: open " + fixturePath("arp-table-container-rows", "net/stat/ndisc_cache")},
		},
		{
			name: "old kernel without table_fulls", fixture: "arp-cache-no-table-fulls", args: []string{"--gc-thresh3", "70"}, code: 2,
			want: []string{"~ARP-TABLE CRITICAL: 64 of 70 entries (91.4% of gc_thresh3); ", "~table overflows not counted by this kernel"},
		},
		{
			name: "malformed stat file names file:line", fixture: "arp-table-malformed-stat", code: 3,
			want: []string{"ARP-TABLE UNKNOWN: " + fixturePath("arp-table-malformed-stat", "net/stat/arp_cache") + ":3: 3 values, header has 13 columns"},
		},
		{
			name: "nothing to read", fixture: "does-not-exist", code: 3,
			want: []string{"~ARP-TABLE UNKNOWN: open " + fixturePath("does-not-exist", "net/stat/arp_cache") + ": no such file or directory"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkResult(t, runFixture(t, tt.fixture, tt.args...), tt.code, tt.want...)
		})
	}
}

func TestBinaryFlags(t *testing.T) {
	bin := binary(t)
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"bad warning", []string{"-w", "lots"}, 3, []string{`~ARP-TABLE UNKNOWN: --warning: invalid threshold "lots"`}},
		{"percentage over 100", []string{"-c", "120%"}, 3, []string{"~ARP-TABLE UNKNOWN: --critical: "}},
		{"warning above critical", []string{"-w", "95%", "-c", "90%"}, 3, []string{"ARP-TABLE UNKNOWN: --warning 95% is above --critical 90%: the WARNING threshold must be reached first"}},
		{"mixed kinds, warning above critical at run time", []string{"--procfs-root", testbin.Fixture("arp-table-near-full"), "-w", "1000", "-c", "90%"}, 3,
			[]string{"ARP-TABLE UNKNOWN: --warning 1000 (1000 entries) is above --critical 90% (922 entries) with gc_thresh3 1024: the WARNING threshold must be reached first"}},
		{"unknown family", []string{"--family", "ipx"}, 3, []string{`ARP-TABLE UNKNOWN: --family: unknown family "ipx" (want inet or inet6)`}},
		{"zero gc_thresh3", []string{"--gc-thresh3", "0"}, 3, []string{"ARP-TABLE UNKNOWN: --gc-thresh3 must be at least 1"}},
		{"negative gc_thresh3", []string{"--gc-thresh3", "-5"}, 3, []string{"~ARP-TABLE UNKNOWN: "}},
		{"single-dash long flag, as the metric plugins take them", []string{"-procfs-root", testbin.Fixture("lvs-director")}, 0, []string{"~ARP-TABLE OK: 6 of 1024 entries"}},
		{"unknown flag", []string{"--bogus"}, 3, []string{"ARP-TABLE UNKNOWN: unknown flag \"bogus\""}},
		{"positional argument", []string{"extra"}, 3, []string{`ARP-TABLE UNKNOWN: unexpected argument "extra"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(tt.args, "--state-file", filepath.Join(t.TempDir(), "s.json"))
			checkResult(t, testbin.Run(t, bin, nil, args...), tt.code, tt.want...)
		})
	}

	t.Run("help goes to stdout with exit 0", func(t *testing.T) {
		for _, arg := range []string{"--help", "-h"} {
			res := testbin.Run(t, bin, nil, arg)
			if res.ExitCode != 0 || !strings.Contains(res.Stdout, "Usage:") || !strings.Contains(res.Stdout, "--gc-thresh3") || res.Stderr != "" {
				t.Errorf("%s: exit %d\nstdout: %s\nstderr: %s", arg, res.ExitCode, res.Stdout, res.Stderr)
			}
		}
	})
	t.Run("version", func(t *testing.T) {
		res := testbin.Run(t, bin, nil, "--version")
		if res.ExitCode != 0 || res.Stdout != "check-arp-table v0.0.0-test\n" {
			t.Errorf("exit %d, stdout %q", res.ExitCode, res.Stdout)
		}
	})
	t.Run("HOST_PROC names the procfs root", func(t *testing.T) {
		res := testbin.Run(t, bin, []string{"HOST_PROC=" + testbin.Fixture("arp-table-near-full")}, "--state-file", filepath.Join(t.TempDir(), "s.json"))
		checkResult(t, res, 1, "~ARP-TABLE WARNING: 850 of 1024 entries", "~source "+fixturePath("arp-table-near-full", "net/stat/arp_cache"))
	})
}

// TestBinaryStateFile covers the table_fulls tracking across runs.
func TestBinaryStateFile(t *testing.T) {
	t.Run("growth is CRITICAL for the window, for every definition, whatever the count", func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "state.json")
		// table_fulls 0, then 17 (12 + 5 over the CPU rows).
		checkResult(t, runFixture(t, "arp-table-near-full", "--state-file", state, "-w", "99%", "-c", "100%"), 0,
			"~0 table overflows so far, none to compare with (first check)")
		checkResult(t, runFixture(t, "arp-table-overflowing", "--state-file", state), 2,
			"~ARP-TABLE CRITICAL: 17 table overflows since last check (table_fulls 0 -> 17): the kernel refused new neighbours; 512 of 1024 entries (50.0% of gc_thresh3; gc_thresh2 512); source ")
		// No further growth: still CRITICAL within the window, and for a
		// second definition of the same table with other thresholds.
		checkResult(t, runFixture(t, "arp-table-overflowing", "--state-file", state), 2,
			"~ARP-TABLE CRITICAL: 17 table overflows within the last 5m, none since last check: the kernel refused new neighbours; 512 of 1024 entries")
		checkResult(t, runFixture(t, "arp-table-overflowing", "--state-file", state, "-w", "10%", "-c", "95%", "--window", "1h"), 2,
			"~ARP-TABLE CRITICAL: 17 table overflows within the last 1h, none since last check: the kernel refused new neighbours;")
	})
	t.Run("an overflow older than the window is over", func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "state.json")
		tenMinutesAgo := time.Now().Add(-10 * time.Minute).Unix()
		old := fmt.Sprintf(`{"program":"check-arp-table","family":"inet","table_fulls":17,"time":%d,"overflows":[{"time":%d,"count":17}]}`, tenMinutesAgo, tenMinutesAgo)
		if err := os.WriteFile(state, []byte(old), 0o600); err != nil {
			t.Fatal(err)
		}
		checkResult(t, runFixture(t, "arp-table-overflowing", "--state-file", state), 0,
			"~ARP-TABLE OK: 512 of 1024 entries", "~; 0 table overflows since last check;")
		checkResult(t, runFixture(t, "arp-table-overflowing", "--state-file", state, "--window", "15m"), 2,
			"~ARP-TABLE CRITICAL: 17 table overflows within the last 15m, none since last check: the kernel refused new neighbours;")
	})
	t.Run("a decrease to 0 (reboot, no overflow since) is not an alarm", func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "state.json")
		checkResult(t, runFixture(t, "arp-table-overflowing", "--state-file", state), 0, "~17 table overflows so far, none to compare with (first check)")
		checkResult(t, runFixture(t, "arp-table-near-full", "--state-file", state, "-w", "99%", "-c", "100%"), 0,
			"~table overflow counter restarted (reboot?), 0 now")
		checkResult(t, runFixture(t, "arp-table-near-full", "--state-file", state, "-w", "99%", "-c", "100%"), 0,
			"~; 0 table overflows since last check;")
	})
	t.Run("after a reboot every overflow since the boot is CRITICAL", func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "state.json")
		checkResult(t, runFixture(t, "arp-table-overflowing", "--state-file", state), 0, "~17 table overflows so far, none to compare with (first check)")
		// Rebooted: table_fulls started again and is 3 (2 + 1 over the CPU rows).
		checkResult(t, runFixture(t, "arp-table-rebooted-overflowing", "--state-file", state), 2,
			"~ARP-TABLE CRITICAL: 3 table overflows since the counter restarted (reboot?), all after the last check: the kernel refused new neighbours; 512 of 1024 entries (50.0% of gc_thresh3; gc_thresh2 512); source ")
		checkResult(t, runFixture(t, "arp-table-rebooted-overflowing", "--state-file", state), 2, "~ARP-TABLE CRITICAL: 3 table overflows within the last 5m, none since last check: the kernel refused new neighbours;")
	})

	for name, content := range map[string]string{
		"empty":            "",
		"corrupt":          "{\"program\":\"check-arp-ta",
		"foreign":          `{"program":"mackerel-plugin-proc-net-arp","family":"inet","table_fulls":0}`,
		"other family":     `{"program":"check-arp-table","family":"inet6","table_fulls":0}`,
		"not JSON at all":  "\x00\x01binary",
		"wrong value type": `{"program":"check-arp-table","family":"inet","table_fulls":"many"}`,
	} {
		t.Run(name+" state is treated as absent and replaced", func(t *testing.T) {
			state := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(state, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			// Absent state: no alarm even though table_fulls is 17.
			checkResult(t, runFixture(t, "arp-table-overflowing", "--state-file", state), 0,
				"~17 table overflows so far, none to compare with (first check)")
			b, err := os.ReadFile(state)
			if err != nil || !strings.Contains(string(b), `"program":"check-arp-table"`) || !strings.Contains(string(b), `"table_fulls":17`) {
				t.Errorf("state not replaced: %q, %v", b, err)
			}
			checkResult(t, runFixture(t, "arp-table-overflowing", "--state-file", state), 0, "~; 0 table overflows since last check;")
		})
	}

	t.Run("unwritable state dir lets the result through", func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "missing-dir", "state.json")
		checkResult(t, runFixture(t, "arp-table-near-full", "--state-file", state), 1,
			"~ARP-TABLE WARNING: 850 of 1024 entries", "~overflows not tracked: state not saved: state file "+state)
	})

	t.Run("default state file goes under MACKEREL_PLUGIN_WORKDIR", func(t *testing.T) {
		dir := t.TempDir()
		env := []string{"MACKEREL_PLUGIN_WORKDIR=" + dir}
		args := []string{"--procfs-root", testbin.Fixture("arp-table-overflowing")}
		checkResult(t, testbin.Run(t, binary(t), env, args...), 0, "~(first check)")
		files, _ := filepath.Glob(filepath.Join(dir, "mackerel-plugin-proc-net-*", "check-arp-table-*.json"))
		if len(files) != 1 {
			t.Fatalf("state files in the workdir: %v", files)
		}
		// Other thresholds, same table: the same state file.
		checkResult(t, testbin.Run(t, binary(t), env, append(args, "-w", "10%", "-c", "95%")...), 1, "~; 0 table overflows since last check;")
		// Another family: another state file.
		checkResult(t, testbin.Run(t, binary(t), env, "--procfs-root", testbin.Fixture("arp-table-near-full"), "--family", "inet6"), 2, "~(first check)")
	})
}
