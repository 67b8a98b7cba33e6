package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"testing"
)

// GOARCHEnv names the architecture the binaries are built for
// (`make test-arm64` sets arm64). When it is not this machine's, Build
// cross-compiles and every run goes through QEMU's user-mode emulator
// (Debian's qemu-user-static), which needs no binfmt registration: the
// emulator is put in front of the binary's path wherever a command
// names it, also behind `ip netns exec` or `setpriv`.
const GOARCHEnv = "PROCNET_TESTBIN_GOARCH"

// EmulatedEnv is set (to the emulator's name) in the environment of tests
// that themselves run under user-mode QEMU (`go test -exec`), by `make
// test-arm64`.
const EmulatedEnv = "PROCNET_EMULATED"

// targetArch is the architecture Build compiles for.
func targetArch() string {
	if a := os.Getenv(GOARCHEnv); a != "" {
		return a
	}
	return runtime.GOARCH
}

// emulators are QEMU's user-mode emulators by Go architecture.
var emulators = map[string]string{
	"arm64":   "qemu-aarch64",
	"arm":     "qemu-arm",
	"riscv64": "qemu-riscv64",
	"ppc64le": "qemu-ppc64le",
	"s390x":   "qemu-s390x",
	"386":     "qemu-i386",
	"amd64":   "qemu-x86_64",
}

// emulator returns the user-mode emulator that runs binaries of the
// target architecture here, "" when they run natively.
func emulator() (string, error) {
	arch := targetArch()
	if arch == runtime.GOARCH {
		return "", nil
	}
	name, ok := emulators[arch]
	if !ok {
		return "", fmt.Errorf("%s=%s: no user-mode QEMU known for it", GOARCHEnv, arch)
	}
	for _, n := range []string{name + "-static", name} {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s=%s needs %s-static (apt-get install qemu-user-static)", GOARCHEnv, arch, name)
}

// SkipEmulated skips a test that needs the live kernel's interfaces when
// it, or the binaries it runs, run under user-mode QEMU, which translates
// neither generic netlink nor every rtnetlink request. make test runs
// such tests natively.
func SkipEmulated(tb testing.TB) {
	tb.Helper()
	if e := os.Getenv(EmulatedEnv); e != "" {
		tb.Skipf("needs the kernel's netlink interfaces, which %s does not translate (runs natively in make test)", e)
	}
	if a := targetArch(); a != runtime.GOARCH {
		tb.Skipf("needs the kernel's netlink interfaces, which user-mode QEMU running the %s binaries does not translate (runs natively in make test)", a)
	}
}

// emulate puts the emulator in front of every argument of cmd that is a
// binary Build made, so that it runs wherever cmd execs it.
func emulate(tb testing.TB, cmd *exec.Cmd) {
	tb.Helper()
	qemu, err := emulator()
	if err != nil {
		tb.Fatal(err)
	}
	if qemu == "" {
		return
	}
	mu.Lock()
	ours := map[string]bool{}
	for _, p := range built {
		ours[p] = true
	}
	mu.Unlock()
	args := make([]string, 0, len(cmd.Args)+1)
	for i, a := range cmd.Args {
		if ours[a] || (i == 0 && ours[cmd.Path]) {
			if i == 0 {
				a = cmd.Path
				cmd.Path = qemu
			}
			args = append(args, qemu)
		}
		args = append(args, a)
	}
	cmd.Args = args
}
