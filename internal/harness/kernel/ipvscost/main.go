// Command ipvscost measures, inside a real kernel under QEMU, what reading a
// large IPVS table costs from each source: `cat /proc/net/ip_vs`, the
// ip_vs plugin with -source procfs, its default netlink run (one service
// dump), with -real-server-traffic (a dump per service), and `ipvsadm -Ln
// --stats`. It prints hyperfine's Markdown table. Run as root from the
// repository root: go run ./internal/harness/kernel/ipvscost [-services N] [-rs M].
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
)

func main() {
	services := flag.Int("services", 5000, "services in the table")
	realServers := flag.Int("rs", 20, "real servers per service")
	runs := flag.Int("runs", 3, "runs per command")
	flag.Parse()
	if kernel.Inside() {
		if err := inside(*services, *realServers, *runs); err != nil {
			fmt.Fprintln(os.Stderr, "ipvscost:", err)
			os.Exit(1)
		}
		return
	}
	os.Exit(outside(os.Args[1:]))
}

func outside(args []string) int {
	binDir, err := os.MkdirTemp("", "procnet-ipvscost-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "ipvscost:", err)
		return 1
	}
	defer os.RemoveAll(binDir)
	pkg := "github.com/procnet/mackerel-plugin-proc-net/metrics/mackerel-plugin-proc-net-ip_vs"
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", filepath.Join(binDir, filepath.Base(pkg)), pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "ipvscost: go build: %v\n%s", err, out)
		return 1
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ipvscost:", err)
		return 1
	}
	k, err := kernel.Load(kernel.Suites()[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "ipvscost:", err)
		return 1
	}
	kernel.BootTimeout = 60 * time.Minute // a dump per service of a large table is slow on an emulated CPU
	run, err := kernel.Boot(k, self, args, binDir)
	fmt.Print(run.Output)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ipvscost: %v\n", err)
		return 1
	}
	return run.ExitCode
}

func inside(services, realServers, runs int) error {
	if err := kernel.LoadModules("ip_vs", "ip_vs_rr"); err != nil {
		return err
	}
	rules := filepath.Join(os.TempDir(), "rules")
	f, err := os.Create(rules)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for s := range services {
		vip := fmt.Sprintf("10.%d.%d.1:80", s/250, s%250)
		fmt.Fprintf(w, "-A -t %s -s rr\n", vip)
		for r := range realServers {
			fmt.Fprintf(w, "-a -t %s -r 172.16.%d.%d:8080 -m -w 1\n", vip, r, s%250+1)
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	f.Close()
	if out, err := kernel.TrySh("ipvsadm -C && ipvsadm -R < " + rules); err != nil {
		return fmt.Errorf("ipvsadm -R: %v: %s", err, out)
	}
	plugin := kernel.BinPath("mackerel-plugin-proc-net-ip_vs")
	state := filepath.Join(os.TempDir(), "state")
	md := filepath.Join(os.TempDir(), "cost.md")
	fmt.Printf("IPVS table: %d services x %d real servers, in Debian's kernel %s under QEMU\n\n", services, realServers, strings.TrimSpace(kernelRelease()))
	cmd := exec.Command("hyperfine", "-N", "--runs", fmt.Sprint(runs), "--export-markdown", md, "--style", "basic",
		"-n", "cat /proc/net/ip_vs", "cat /proc/net/ip_vs",
		"-n", "plugin -source procfs", plugin+" -source procfs -tempfile "+state+"-p",
		"-n", "plugin (default: netlink service dump + net/ip_vs)", plugin+" -tempfile "+state+"-n",
		"-n", "plugin -real-server-traffic", plugin+" -real-server-traffic -tempfile "+state+"-r",
		"-n", "ipvsadm -Ln --stats", "ipvsadm -Ln --stats")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("hyperfine: %w", err)
	}
	b, err := os.ReadFile(md)
	if err != nil {
		return err
	}
	fmt.Print(string(b))
	return nil
}

// kernelRelease is `uname -r` of the kernel this runs in.
func kernelRelease() string {
	b, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	return string(b)
}
