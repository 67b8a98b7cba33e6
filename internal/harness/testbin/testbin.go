// Package testbin builds this repository's binaries for tests that run
// them as users do, and runs them with a captured result.
package testbin

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
)

var (
	mu    sync.Mutex
	built = map[string]string{}
	dir   string
	// janitor is the write end of the pipe that keeps dir's janitor
	// waiting. It is never read: holding it keeps the finalizer from
	// closing it, so it stays open until this process exits.
	//lint:ignore U1000 held, never read; see above
	janitor *os.File
)

// Build compiles the main package at pkg (an import path such as
// "github.com/procnet/mackerel-plugin-proc-net/check-ipvs") once per test
// process and returns the binary's path. The binaries live in a temporary
// directory that is removed when the test process exits.
func Build(tb testing.TB, pkg string) string {
	tb.Helper()
	mu.Lock()
	defer mu.Unlock()
	if p, ok := built[pkg]; ok {
		return p
	}
	if dir == "" {
		d, err := processDir()
		if err != nil {
			tb.Fatal(err)
		}
		dir = d
	}
	out := filepath.Join(dir, filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-ldflags", "-X github.com/procnet/mackerel-plugin-proc-net/internal/version.Version=v0.0.0-test", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOARCH="+targetArch())
	if msg, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build %s: %v\n%s", pkg, err, msg)
	}
	built[pkg] = out
	return out
}

// processDir makes a temporary directory that lives as long as this
// process. A package's tests have no hook at their end without a
// TestMain, so a janitor removes it: sh reads a pipe whose write end only
// this process holds (it is close-on-exec, so no child inherits it) and
// gets EOF when the process exits, however it ends, even killed; then it
// removes the directory. The janitor has a process group of its own, so
// that an interrupt from the terminal does not end it first.
func processDir() (string, error) {
	d, err := os.MkdirTemp("", "procnet-testbin-")
	if err != nil {
		return "", err
	}
	r, w, err := os.Pipe()
	if err != nil {
		os.RemoveAll(d)
		return "", err
	}
	defer r.Close()
	cmd := exec.Command("/bin/sh", "-c", `cat >/dev/null; rm -rf "$1"`, "testbin-janitor", d)
	cmd.Stdin = r
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		w.Close()
		os.RemoveAll(d)
		return "", fmt.Errorf("starting the janitor of %s: %w", d, err)
	}
	janitor = w
	return d, nil
}

// Result is what one run of a binary printed and how it exited.
type Result struct {
	Stdout, Stderr string
	ExitCode       int
}

// Run runs bin with args and env added to a minimal environment (PATH and
// LANG=C, as the agent sets it) and returns its output and exit code. The
// default state goes to a directory of the test's (TMPDIR and
// MACKEREL_PLUGIN_WORKDIR, which env may set otherwise), never to a
// mackerel-agent's /var/tmp/mackerel-agent on the machine.
func Run(tb testing.TB, bin string, env []string, args ...string) Result {
	tb.Helper()
	cmd := exec.Command(bin, args...)
	tmp := tb.TempDir()
	cmd.Env = append([]string{"PATH=/usr/bin:/bin", "LANG=C", "TMPDIR=" + tmp, "MACKEREL_PLUGIN_WORKDIR=" + tmp}, env...)
	return RunCmd(tb, cmd)
}

// RunCmd runs a prepared command and returns its output and exit code.
func RunCmd(tb testing.TB, cmd *exec.Cmd) Result {
	tb.Helper()
	emulate(tb, cmd)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := Result{Stdout: stdout.String(), Stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		res.ExitCode = exit.ExitCode()
	case err != nil:
		tb.Fatalf("run %s: %v", cmd.Path, err)
	}
	return res
}

// CopyTree copies a fixture tree (or any directory of plain files) to dst,
// for tests that change it.
func CopyTree(tb testing.TB, from, to string) {
	tb.Helper()
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// RepoRoot returns the repository root, found from this file's location.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// Fixture returns the path of a fixture tree under testdata/.
func Fixture(name string) string { return filepath.Join(RepoRoot(), "testdata", name) }
