// Command ipvscost measures, inside a real kernel under QEMU, what reading a
// large IPVS table costs from each source: `cat /proc/net/ip_vs`, the
// ip_vs plugin with -source procfs, its default netlink run (one service
// dump), with -real-server-traffic (a dump per service), and `ipvsadm -Ln
// --stats`. It prints hyperfine's Markdown table. With -before REV the
// plugin is also built at the git revision REV and its two netlink runs
// measured in the same boot, for before/after figures. Run as root from
// the repository root:
// go run ./internal/harness/kernel/ipvscost [-services N] [-rs M] [-before REV].
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
	before := flag.String("before", "", "also measure the plugin built at this git revision")
	flag.Parse()
	if kernel.Inside() {
		if err := inside(*services, *realServers, *runs, *before != ""); err != nil {
			fmt.Fprintln(os.Stderr, "ipvscost:", err)
			os.Exit(1)
		}
		return
	}
	os.Exit(outside(os.Args[1:], *before))
}

func outside(args []string, before string) int {
	binDir, err := os.MkdirTemp("", "procnet-ipvscost-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "ipvscost:", err)
		return 1
	}
	defer os.RemoveAll(binDir)
	if err := buildPlugin(".", filepath.Join(binDir, pluginName)); err != nil {
		fmt.Fprintln(os.Stderr, "ipvscost:", err)
		return 1
	}
	if before != "" {
		if err := buildAt(before, filepath.Join(binDir, pluginName+"-before")); err != nil {
			fmt.Fprintln(os.Stderr, "ipvscost:", err)
			return 1
		}
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

const pluginName = "mackerel-plugin-proc-net-ip_vs"

func buildPlugin(dir, out string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, "./metrics/"+pluginName)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build in %s: %v\n%s", dir, err, b)
	}
	return nil
}

// buildAt builds the plugin at the git revision rev, from a copy of its
// tree (git archive) removed afterwards.
func buildAt(rev, out string) error {
	dir, err := os.MkdirTemp("", "procnet-ipvscost-before-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cmd := exec.Command("sh", "-ec", `git archive "$1" | tar -x -C "$2"`, "sh", rev, dir)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git archive %s: %v\n%s", rev, err, b)
	}
	return buildPlugin(dir, out)
}

func inside(services, realServers, runs int, before bool) error {
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
	plugin := kernel.BinPath(pluginName)
	if err := checkRead(plugin, services, realServers); err != nil {
		return err
	}
	state := filepath.Join(os.TempDir(), "state")
	md := filepath.Join(os.TempDir(), "cost.md")
	fmt.Printf("IPVS table: %d services x %d real servers, in Debian's kernel %s under QEMU\n\n", services, realServers, strings.TrimSpace(kernelRelease()))
	args := []string{"-N", "--runs", fmt.Sprint(runs), "--export-markdown", md, "--style", "basic",
		"-n", "cat /proc/net/ip_vs", "cat /proc/net/ip_vs",
		"-n", "plugin -source procfs", plugin + " -source procfs -tempfile " + state + "-p",
		"-n", "plugin (default: netlink service dump + net/ip_vs)", plugin + " -tempfile " + state + "-n",
		"-n", "plugin -real-server-traffic", plugin + " -real-server-traffic -tempfile " + state + "-r"}
	if before {
		old := plugin + "-before"
		args = append(args,
			"-n", "before: plugin (default)", old+" -tempfile "+state+"-bn",
			"-n", "before: plugin -real-server-traffic", old+" -real-server-traffic -tempfile "+state+"-br")
	}
	args = append(args, "-n", "ipvsadm -Ln --stats", "ipvsadm -Ln --stats")
	cmd := exec.Command("hyperfine", args...)
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

// checkRead makes sure the measured runs read the whole table: with no
// budget, the plugin with -real-server-traffic prints a weight per real
// server, and by default the traffic of every service (netlink's service
// dump joined with net/ip_vs).
func checkRead(plugin string, services, realServers int) error {
	for _, c := range []struct {
		args       []string
		key        string
		want, seen int
	}{
		{args: []string{"-real-server-traffic"}, key: ".weight.", want: services * realServers},
		{key: ".service_conns.new", want: services},
	} {
		args := append(c.args, "-max-metrics", "0", "-tempfile", filepath.Join(os.TempDir(), "check-state"))
		out, err := exec.Command(plugin, args...).Output()
		if err != nil {
			return fmt.Errorf("%s %s: %v", plugin, strings.Join(args, " "), err)
		}
		for line := range strings.Lines(string(out)) {
			if strings.Contains(line, c.key) {
				c.seen++
			}
		}
		if c.seen != c.want {
			return fmt.Errorf("%s %s printed %d %s keys, want %d", plugin, strings.Join(args, " "), c.seen, c.key, c.want)
		}
		fmt.Printf("check: %s printed %d %s keys\n", strings.Join(c.args, " "), c.seen, c.key)
	}
	return nil
}

// kernelRelease is `uname -r` of the kernel this runs in.
func kernelRelease() string {
	b, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	return string(b)
}
