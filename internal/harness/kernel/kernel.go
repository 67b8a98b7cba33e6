// Package kernel runs a test package's tests inside real Linux kernels
// with IPVS: Debian's own distribution kernels (one per suite: bullseye
// 5.10, bookworm 6.1, trixie 6.12, sid the newest), booted under QEMU
// with several CPUs and the host's file system shared read-only over 9p.
// QEMU emulates the CPU (TCG), so it boots on every x86-64 host, whatever
// its XSAVE layout (Debian's user-mode Linux, used before, panics on
// hosts with AVX-512 or AMX).
//
// `make kernels` fetches them (fetch-kernels, beside this file) into
// .cache/kernels/SUITE; PROCNET_KERNELS names the suites to run on
// (default bookworm, what most directors run).
//
// A test starts with
//
//	if kernel.Outside(t) {
//		return
//	}
//
// Outside the kernel, the first such call boots each kernel once for the
// whole test process and runs this same test binary inside, with the same
// -test.run; every test then reports, in a subtest per kernel, what its
// run inside printed and whether it passed. Inside, Outside returns false
// and the test goes on as an ordinary Go test, as root in a kernel of its
// own: it may load modules, configure IPVS with ipvsadm, run keepalived
// and fill the neighbour table, which the host's shared kernel must never
// be made to do.
package kernel

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

const (
	insideEnv = "PROCNET_KERNEL_INSIDE"
	workEnv   = "PROCNET_KERNEL_WORK"
	binEnv    = "PROCNET_KERNEL_BIN"
	// kernelDirEnv is the booted kernel's Kernel.Dir, inside.
	kernelDirEnv = "PROCNET_KERNEL_HOME"
	// SuitesEnv names the Debian suites whose kernels the tests run on,
	// separated by spaces or commas.
	SuitesEnv = "PROCNET_KERNELS"
	// DirEnv overrides where the fetched kernels are (.cache/kernels).
	DirEnv = "PROCNET_KERNEL_DIR"
	// DefaultSuites is what `make test` runs on: Debian 12's kernel.
	DefaultSuites = "bookworm"
	// Install says how a machine gets what these tests need: the kernel
	// group of internal/harness/prereqs/packages, and the kernels.
	Install = "as root, make test-kernels (it installs the kernel group of internal/harness/prereqs/packages and fetches the kernels)"
)

// BootTimeout bounds one boot and everything run inside it; a program
// that measures large tables may raise it before Boot. The CPU is
// emulated: a whole real-kernel suite takes one to two minutes a kernel.
var BootTimeout = 15 * time.Minute

// A Kernel is one fetched Debian kernel.
type Kernel struct {
	// Suite is the Debian suite it came from (bookworm).
	Suite string
	// Release is `uname -r` inside (6.1.0-50-amd64).
	Release string
	// Version is the package's version (6.1.176-1).
	Version string
	// Dir holds vmlinuz, initrd.gz, config (its build configuration) and
	// modroot (a tree for modprobe -d).
	Dir string
}

// Name names the kernel in test output: suite and release.
func (k Kernel) Name() string { return k.Suite + "-" + k.Release }

// Dir is where `make kernels` puts the kernels.
func Dir() string {
	if d := os.Getenv(DirEnv); d != "" {
		return d
	}
	return filepath.Join(testbin.RepoRoot(), ".cache", "kernels")
}

// Suites are the suites named by PROCNET_KERNELS, or the default.
func Suites() []string {
	s := os.Getenv(SuitesEnv)
	if strings.TrimSpace(s) == "" {
		s = DefaultSuites
	}
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
}

// Load reads the kernel fetched for suite.
func Load(suite string) (Kernel, error) {
	dir := filepath.Join(Dir(), suite)
	if _, err := os.Stat(filepath.Join(dir, "ready")); err != nil {
		return Kernel{}, fmt.Errorf("no %s kernel in %s: run `make kernels KERNELS=%s`", suite, Dir(), suite)
	}
	v, err := os.ReadFile(filepath.Join(dir, "version"))
	if err != nil {
		return Kernel{}, err
	}
	rel, version, _ := strings.Cut(strings.TrimSpace(string(v)), " ")
	return Kernel{Suite: suite, Release: rel, Version: version, Dir: dir}, nil
}

// Kernels loads every kernel named by PROCNET_KERNELS.
func Kernels() ([]Kernel, error) {
	var ks []Kernel
	for _, s := range Suites() {
		k, err := Load(s)
		if err != nil {
			return nil, err
		}
		ks = append(ks, k)
	}
	return ks, nil
}

// missing says what prevents a boot, or "".
func missing() string {
	if os.Geteuid() != 0 {
		return "not root"
	}
	out, err := exec.Command(filepath.Join(testbin.RepoRoot(), "internal", "harness", "prereqs", "prereqs"), "missing", "base", "kernel").Output()
	if err != nil {
		return fmt.Sprintf("internal/harness/prereqs/prereqs: %v", err)
	}
	if pkgs := strings.TrimSpace(string(out)); pkgs != "" {
		return "missing " + pkgs
	}
	if _, err := Kernels(); err != nil {
		return err.Error()
	}
	return ""
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
