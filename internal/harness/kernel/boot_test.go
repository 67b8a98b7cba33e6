//go:build e2e

package kernel

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// firstKernel is the first kernel of PROCNET_KERNELS, for the harness's
// own tests.
func firstKernel(t *testing.T) Kernel {
	t.Helper()
	RequireBootable(t)
	k, err := Load(Suites()[0])
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestBootRunsTheProgramOnSeveralCPUs: the program runs as root on the
// host's files with the CPUs asked for, what it prints comes back, and
// its exit status is returned, not retried.
func TestBootRunsTheProgramOnSeveralCPUs(t *testing.T) {
	k := firstKernel(t)
	script := filepath.Join(t.TempDir(), "program")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nuname -r\nid -u\nnproc\nexit 7\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	run, err := Boot(k, script, nil, t.TempDir())
	if err != nil {
		t.Fatalf("%v\n%s", err, tail(run.Console, 30))
	}
	want := k.Release + "\n0\n4\n"
	if run.Output != want || run.ExitCode != 7 || run.Retried != "" {
		t.Errorf("output %q, exit %d, retried %q; want %q, exit 7, no retry", run.Output, run.ExitCode, run.Retried, want)
	}
	t.Logf("%s: boot, run and power-off in %.1f s", k.Name(), run.Took.Seconds())
}

// TestBootThatDiesBeforeTheProgramIsRetriedOnce: a kernel that cannot
// reach its init (here, an initramfs that is not one) is booted twice,
// and the error says the program never started, with the first boot's
// console kept.
func TestBootThatDiesBeforeTheProgramIsRetriedOnce(t *testing.T) {
	k := firstKernel(t)
	broken := t.TempDir()
	for _, f := range []string{"vmlinuz", "config", "modroot"} {
		if err := os.Symlink(filepath.Join(k.Dir, f), filepath.Join(broken, f)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(broken, "initrd.gz"), []byte("not an initramfs\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	k.Dir = broken
	run, err := Boot(k, "/bin/true", nil, t.TempDir())
	if !errors.Is(err, errNotStarted) {
		t.Fatalf("err = %v, want %v", err, errNotStarted)
	}
	if run.Retried == "" || !strings.Contains(run.Console, "panic") {
		t.Errorf("want a retry with the first console kept and the second boot's panic; retried %q, console:\n%s", run.Retried, tail(run.Console, 20))
	}
}
