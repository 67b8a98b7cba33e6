// Command demo boots Debian's own kernel under QEMU with a few IPVS services, a
// keepalived health checker, real traffic and a neighbour table, runs
// every plugin and check of this repository once inside and prints what
// each printed: real output for a newcomer without an LVS host. It is
// what `make demo` runs, from the repository root, as root.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
)

func main() {
	if kernel.Inside() {
		if err := inside(os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "demo:", err)
			os.Exit(1)
		}
		return
	}
	os.Exit(outside())
}

// outside builds the binaries, boots the kernel with this program as its
// init's child, and prints what it printed there.
func outside() int {
	binDir, err := os.MkdirTemp("", "procnet-demo-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		return 1
	}
	defer os.RemoveAll(binDir)
	for _, pkg := range kernel.Binaries {
		cmd := exec.Command("go", "build", "-o", filepath.Join(binDir, filepath.Base(pkg)), pkg)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "demo: go build %s: %v\n%s", pkg, err, out)
			return 1
		}
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		return 1
	}
	k, err := kernel.Load(kernel.Suites()[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		return 1
	}
	fmt.Printf("booting Debian's kernel %s (%s) with %d CPUs under QEMU (about 30 s)...\n", k.Release, k.Version, kernel.CPUs)
	run, err := kernel.Boot(k, self, nil, binDir)
	fmt.Print(run.Output)
	if err != nil {
		fmt.Fprintf(os.Stderr, "demo: %v\nconsole:\n%s\n", err, run.Console)
		return 1
	}
	if run.Retried != "" {
		fmt.Printf("(the first boot died before the demo started and was retried; its console ended:\n%s)\n", run.Retried)
	}
	fmt.Printf("(kernel %s up and down in %.1f s)\n", k.Name(), run.Took.Seconds())
	return run.ExitCode
}
