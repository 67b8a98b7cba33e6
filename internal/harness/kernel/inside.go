package kernel

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Inside reports whether this process runs inside a booted kernel.
func Inside() bool { return os.Getenv(insideEnv) == "1" }

// Work is the directory shared with the host: writable inside, and what
// is written there is visible outside afterwards. Inside only.
func Work() string { return os.Getenv(workEnv) }

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

// Modprobe loads modules (with their dependencies) from the booted
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
		if out, err := TrySh("modprobe -d " + filepath.Join(os.Getenv(kernelDirEnv), "modroot") + " " + m); err != nil {
			return fmt.Errorf("modprobe %s: %v: %s", m, err, out)
		}
	}
	return nil
}

// Release is the running kernel's major and minor version (6, 1), for the
// few behaviours that differ between kernels.
func Release(tb testing.TB) (major, minor int) {
	tb.Helper()
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		tb.Fatal(err)
	}
	f := strings.FieldsFunc(string(b), func(r rune) bool { return r == '.' || r == '-' })
	if len(f) < 2 {
		tb.Fatalf("kernel release %q", b)
	}
	major, err1 := strconv.Atoi(f[0])
	minor, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil {
		tb.Fatalf("kernel release %q", b)
	}
	return major, minor
}

// HZ is the booted kernel's CONFIG_HZ, the unit of the jiffies that
// net/ip_vs prints persistence timeouts in (Debian's kernels: 250), read
// from its build configuration. Inside only.
func HZ(tb testing.TB) uint64 {
	tb.Helper()
	config := filepath.Join(os.Getenv(kernelDirEnv), "config")
	b, err := os.ReadFile(config)
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "CONFIG_HZ="); ok {
			hz, err := strconv.ParseUint(v, 10, 32)
			if err != nil || hz == 0 {
				tb.Fatalf("%s: %s", config, line)
			}
			return hz
		}
	}
	tb.Fatalf("%s: no CONFIG_HZ", config)
	return 0
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
