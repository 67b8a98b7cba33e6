// Package uml runs a test package's tests inside a real Linux kernel with
// IPVS: Debian's user-mode Linux (linux.uml, kernel 6.1, IPVS, schedulers
// and dummy as modules), booted as an ordinary process with the host's file
// system as a read-only root.
//
// A test starts with
//
//	if uml.Outside(t) {
//		return
//	}
//
// Outside the kernel, the first such call boots it once for the whole test
// process and runs this same test binary inside, with the same -test.run;
// every test then reports what its run inside printed and whether it
// passed. Inside, Outside returns false and the test goes on as an ordinary
// Go test, as root in a kernel of its own: it may load modules, configure
// IPVS with ipvsadm, run keepalived and fill the neighbour table, which the
// host's shared kernel must never be made to do.
package uml

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/testbin"
)

const (
	insideEnv = "PROCNET_UML_INSIDE"
	workEnv   = "PROCNET_UML_WORK"
	binEnv    = "PROCNET_UML_BIN"
	kernel    = "linux.uml"
	moduleDir = "/usr/lib/uml/modules"
	// Install names what a machine needs for these tests.
	Install = "apt-get install user-mode-linux ipvsadm kmod keepalived"
)

// BootTimeout bounds one boot and everything run inside it; a program
// that measures large tables may raise it before Boot.
var BootTimeout = 5 * time.Minute

// Inside reports whether this process runs inside the user-mode kernel.
func Inside() bool { return os.Getenv(insideEnv) == "1" }

// Work is the directory shared with the host: writable inside, and what
// is written there is visible outside afterwards. Inside only.
func Work() string { return os.Getenv(workEnv) }

var (
	bootOnce sync.Once
	boot     *bootResult
)

type bootResult struct {
	err     error  // the kernel could not be booted or did not finish
	log     string // tail of the console and of the inner run
	results map[string]testResult
	took    time.Duration
}

type testResult struct {
	status string // PASS, FAIL or SKIP
	output string
}

// Outside reports whether the caller runs outside the kernel. There it
// boots the kernel (once per process) and reports the test's result from
// inside, so the caller must return at once. Without the kernel the test
// is skipped, saying what to install; in CI (CI set) it fails instead.
func Outside(t *testing.T) bool {
	t.Helper()
	if Inside() {
		return false
	}
	RequireBootable(t)
	bootOnce.Do(func() { boot = bootAndRun(t) })
	if boot.err != nil {
		t.Fatalf("user-mode kernel: %v\n%s", boot.err, boot.log)
	}
	r, ok := boot.results[t.Name()]
	if !ok {
		t.Fatalf("no result for %s from inside the user-mode kernel (crashed or timed out?)\n%s", t.Name(), boot.log)
	}
	t.Logf("ran inside the user-mode kernel (boot and whole run %.1fs):\n%s", boot.took.Seconds(), r.output)
	switch r.status {
	case "FAIL":
		t.Fatal("failed inside the user-mode kernel")
	case "SKIP":
		t.Skip("skipped inside the user-mode kernel")
	}
	return true
}

// RequireBootable skips the test when the user-mode kernel cannot be
// booted here, saying what to install; in CI (CI set) it fails instead.
func RequireBootable(t *testing.T) {
	t.Helper()
	if reason := missing(); reason != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("the user-mode kernel cannot be booted here: %s (CI must install: %s)", reason, Install)
		}
		t.Skipf("needs the user-mode kernel: %s; install: %s", reason, Install)
	}
}

// missing says what prevents a boot, or "".
func missing() string {
	if os.Geteuid() != 0 {
		return "not root"
	}
	for _, cmd := range []string{kernel, "ipvsadm", "modprobe", "keepalived", "ip"} {
		if _, err := exec.LookPath(cmd); err != nil {
			return cmd + " not found"
		}
	}
	if _, err := release(); err != nil {
		return err.Error()
	}
	return ""
}

// release is the user-mode kernel's release, the one directory of
// moduleDir.
func release() (string, error) {
	ents, err := os.ReadDir(moduleDir)
	if err != nil || len(ents) != 1 {
		return "", fmt.Errorf("want one kernel release under %s (%v)", moduleDir, err)
	}
	return ents[0].Name(), nil
}

// bootAndRun builds the binaries, boots the kernel to run this test
// binary with the same -test.run, and collects each test's result.
func bootAndRun(t *testing.T) *bootResult {
	// Inside, the read-only root has no writable Go build cache: the
	// binaries are built here, and found there at the same paths.
	var binDir string
	for _, pkg := range Binaries {
		binDir = filepath.Dir(testbin.Build(t, pkg))
	}
	self, err := os.Executable()
	if err != nil {
		return &bootResult{err: err}
	}
	run, err := Boot(self, innerArgs(), binDir)
	res := &bootResult{err: err, took: run.Took, results: parseVerbose(run.Output)}
	res.log = "console (end):\n" + tail(run.Console, 40) + "\ntest output inside (end):\n" + tail(run.Output, 60)
	if err == nil && len(res.results) == 0 {
		res.err = fmt.Errorf("no test ran inside (exit %d)", run.ExitCode)
	}
	return res
}

// innerArgs are the flags for the run inside: the same test selection,
// verbose so that every test's result can be read back.
func innerArgs() []string {
	args := []string{"-test.v", "-test.count=1", "-test.timeout=" + (BootTimeout - 30*time.Second).String()}
	if f := flag.Lookup("test.run"); f != nil && f.Value.String() != "" {
		args = append(args, "-test.run="+f.Value.String())
	}
	return args
}

// parseVerbose reads `go test -v` output into the result and output of
// every top-level test.
func parseVerbose(out string) map[string]testResult {
	results := map[string]testResult{}
	var cur string
	var buf strings.Builder
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		if name, ok := strings.CutPrefix(line, "=== RUN   "); ok && !strings.Contains(name, "/") {
			cur = name
			buf.Reset()
			continue
		}
		for _, status := range []string{"PASS", "FAIL", "SKIP"} {
			if rest, ok := strings.CutPrefix(line, "--- "+status+": "); ok {
				name, _, _ := strings.Cut(rest, " ")
				if name == cur {
					results[cur] = testResult{status: status, output: buf.String() + line + "\n"}
					cur = ""
					buf.Reset()
				}
			}
		}
		if cur != "" {
			buf.WriteString(line + "\n")
		}
	}
	return results
}

func tail(s string, lines int) string {
	parts := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}

// Binaries are the import paths of the five binaries, built before the
// boot.
var Binaries = []string{
	module + "/check-arp-table",
	module + "/check-ipvs",
	module + "/metrics/mackerel-plugin-proc-net-arp",
	module + "/metrics/mackerel-plugin-proc-net-ip_vs",
	module + "/metrics/mackerel-plugin-proc-net-ip_vs_stats_percpu",
}

const module = "github.com/procnet/mackerel-plugin-proc-net"

// Bin returns the path of a binary built before the boot, by its name
// (the last element of its import path). Inside only.
func Bin(tb testing.TB, name string) string {
	tb.Helper()
	p := BinPath(name)
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("binary %s: %v", name, err)
	}
	return p
}

// BinPath is Bin for a program that is not a test.
func BinPath(name string) string { return filepath.Join(os.Getenv(binEnv), name) }

// Modprobe loads modules (with their dependencies) from the user-mode
// kernel's module tree. Inside only.
func Modprobe(tb testing.TB, modules ...string) {
	tb.Helper()
	if err := LoadModules(modules...); err != nil {
		tb.Fatal(err)
	}
}

// LoadModules is Modprobe for a program that is not a test.
func LoadModules(modules ...string) error {
	for _, m := range modules {
		if out, err := TrySh("modprobe -d " + filepath.Join(Work(), "mods") + " " + m); err != nil {
			return fmt.Errorf("modprobe %s: %v: %s", m, err, out)
		}
	}
	return nil
}

// Sh runs script with sh -e and returns its stdout; the test fails with
// both outputs when it exits non-zero.
func Sh(tb testing.TB, script string) string {
	tb.Helper()
	out, err := TrySh(script)
	if err != nil {
		tb.Fatalf("sh: %s: %v\n%s", script, err, out)
	}
	return out
}

// TrySh is Sh that returns the error instead of failing the test; the
// output then includes stderr.
func TrySh(script string) (string, error) {
	cmd := exec.Command("sh", "-ec", script)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String() + stderr.String(), err
	}
	return stdout.String(), nil
}
