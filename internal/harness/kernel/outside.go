package kernel

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

var (
	bootMu sync.Mutex
	boots  = map[string]*bootResult{} // by kernel name, once per process
)

type bootResult struct {
	err     error  // the kernel could not be booted or did not finish
	log     string // tail of the console and of the inner run
	results map[string]testResult
	took    time.Duration
	retried string // console end of a first boot that died before the program
}

type testResult struct {
	status string // PASS, FAIL or SKIP
	output string
	took   string // as go test printed it inside: (12.34s)
}

// Outside reports whether the caller runs outside the kernels. There it
// boots each kernel of PROCNET_KERNELS (once per process) and reports the
// test's result from inside each as a subtest named after the kernel, so
// the caller must return at once. Without a kernel the test is skipped,
// saying what to install; in CI (CI set) it fails instead.
func Outside(t *testing.T) bool {
	t.Helper()
	if Inside() {
		return false
	}
	RequireBootable(t)
	kernels, err := Kernels()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range kernels {
		boot := bootFor(t, k)
		t.Run(k.Name(), func(t *testing.T) {
			if boot.err != nil {
				t.Fatalf("%v\n%s", boot.err, boot.log)
			}
			r, ok := boot.results[t.Name()[:strings.LastIndex(t.Name(), "/")]]
			if !ok {
				t.Fatalf("no result from inside %s (crashed or timed out?)\n%s", k.Name(), boot.log)
			}
			t.Logf("inside %s: %s %s", k.Name(), r.status, r.took)
			// Measurements a passing test logs as "FIGURE ..." are shown too.
			for _, line := range strings.Split(r.output, "\n") {
				if _, fig, ok := strings.Cut(line, "FIGURE "); ok {
					t.Logf("inside %s: %s", k.Name(), fig)
				}
			}
			switch r.status {
			case "FAIL":
				t.Fatalf("failed inside %s:\n%s", k.Name(), r.output)
			case "SKIP":
				t.Skipf("skipped inside %s:\n%s", k.Name(), r.output)
			}
		})
	}
	return true
}

// bootFor boots k and runs the selected tests inside, once per process.
func bootFor(t *testing.T, k Kernel) *bootResult {
	bootMu.Lock()
	defer bootMu.Unlock()
	if b, ok := boots[k.Name()]; ok {
		return b
	}
	b := bootAndRun(t, k)
	boots[k.Name()] = b
	// One line per kernel, also in a passing run's -v output: which
	// kernel ran and how long its boot and whole run took.
	status := "ok"
	if b.err != nil {
		status = "failed: " + b.err.Error()
	}
	if b.retried != "" {
		fmt.Printf("kernel %s (%s): first boot died before the tests started, retried once; its console ended:\n%s\n", k.Name(), k.Version, b.retried)
	}
	fmt.Printf("kernel %s (%s, %d CPUs, %s): %d tests reported, boot and run %.1f s, %s\n",
		k.Name(), k.Version, CPUs, accel(), len(b.results), b.took.Seconds(), status)
	return b
}

// RequireBootable skips the test when no kernel can be booted here, saying
// what to install; in CI (CI set) it fails instead.
func RequireBootable(t *testing.T) {
	t.Helper()
	if reason := missing(); reason != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("no real kernel can be booted here: %s (CI must install: %s)", reason, Install)
		}
		t.Skipf("needs a real kernel under QEMU: %s; install: %s", reason, Install)
	}
}

// bootAndRun builds the binaries, boots k to run this test binary with
// the same -test.run, and collects each test's result.
func bootAndRun(t *testing.T, k Kernel) *bootResult {
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
	run, err := Boot(k, self, innerArgs(), binDir)
	res := &bootResult{err: err, took: run.Took, results: parseVerbose(run.Output), retried: run.Retried}
	res.log = "console (end):\n" + tail(run.Console, 40) + "\ntest output inside (end):\n" + tail(run.Output, 60)
	if err == nil && len(res.results) == 0 {
		res.err = fmt.Errorf("%s: no test ran inside (exit %d)", k.Name(), run.ExitCode)
	}
	return res
}

// innerArgs are the flags for the run inside: the same test selection,
// verbose so that every test's result can be read back.
func innerArgs() []string {
	args := []string{"-test.v", "-test.count=1", "-test.timeout=" + (BootTimeout - 60*time.Second).String()}
	if f := flag.Lookup("test.run"); f != nil && f.Value.String() != "" {
		// Outside, a pattern may name the kernel subtest (TestX/bookworm):
		// inside there is none, so only its top-level part applies.
		top, _, _ := strings.Cut(f.Value.String(), "/")
		args = append(args, "-test.run="+top)
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
				name, took, _ := strings.Cut(rest, " ")
				if name == cur {
					results[cur] = testResult{status: status, output: buf.String() + line + "\n", took: took}
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
