// Package testbin builds this repository's binaries for tests that run
// them as users do, and runs them with a captured result.
package testbin

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

var (
	mu    sync.Mutex
	built = map[string]string{}
	dir   string
)

// Build compiles the main package at pkg (an import path such as
// "github.com/procnet/mackerel-plugin-proc-net/check-ipvs") once per test
// process and returns the binary's path.
func Build(tb testing.TB, pkg string) string {
	tb.Helper()
	mu.Lock()
	defer mu.Unlock()
	if p, ok := built[pkg]; ok {
		return p
	}
	if dir == "" {
		d, err := os.MkdirTemp("", "procnet-testbin-")
		if err != nil {
			tb.Fatal(err)
		}
		dir = d
	}
	out := filepath.Join(dir, filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-ldflags", "-X github.com/procnet/mackerel-plugin-proc-net/internal/version.Version=v0.0.0-test", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build %s: %v\n%s", pkg, err, msg)
	}
	built[pkg] = out
	return out
}

// Result is what one run of a binary printed and how it exited.
type Result struct {
	Stdout, Stderr string
	ExitCode       int
}

// Run runs bin with args and env added to a minimal environment (PATH and
// LANG=C, as the agent sets it) and returns its output and exit code.
func Run(tb testing.TB, bin string, env []string, args ...string) Result {
	tb.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=/usr/bin:/bin", "LANG=C", "TMPDIR=" + tb.TempDir()}, env...)
	return RunCmd(tb, cmd)
}

// RunCmd runs a prepared command and returns its output and exit code.
func RunCmd(tb testing.TB, cmd *exec.Cmd) Result {
	tb.Helper()
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
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Fixture returns the path of a fixture tree under testdata/.
func Fixture(name string) string { return filepath.Join(RepoRoot(), "testdata", name) }
