package testbin

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const childEnv = "TESTBIN_BUILD_CHILD"

// TestBuildRemovesItsDirectoryAtExit runs this test binary again as a
// child that builds a binary and prints its path, then waits, with a bound,
// for the directory to go once the child has exited.
func TestBuildRemovesItsDirectoryAtExit(t *testing.T) {
	if os.Getenv(childEnv) == "1" {
		bin := Build(t, "github.com/procnet/mackerel-plugin-proc-net/check-ipvs")
		if res := Run(t, bin, nil, "--version"); res.ExitCode != 0 {
			t.Fatalf("built binary: exit %d, %q", res.ExitCode, res.Stderr)
		}
		os.Stdout.WriteString("BIN=" + bin + "\n")
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestBuildRemovesItsDirectoryAtExit$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	_, after, ok := strings.Cut(string(out), "BIN=")
	if !ok {
		t.Fatalf("child printed no binary path:\n%s", out)
	}
	dir := filepath.Dir(strings.TrimSpace(strings.SplitN(after, "\n", 2)[0]))
	if !strings.HasPrefix(filepath.Base(dir), "procnet-testbin-") {
		t.Fatalf("binary in %s, not in a directory of testbin's", dir)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := os.Stat(dir)
		if errors.Is(err, fs.ErrNotExist) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still there 10 s after the child exited (stat: %v)", dir, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
