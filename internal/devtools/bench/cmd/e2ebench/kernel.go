package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// kernelSeries times the binaries on the real kernel's /proc/net/arp with
// *kernelN permanent entries in a fresh network namespace, inside it and
// from the initial namespace. It always deletes the namespace; without
// root or iproute2 it says why it skipped.
func kernelSeries(w io.Writer, tmp string, v *verdicts) error {
	fmt.Fprintf(w, "## Real kernel: %d permanent neighbour entries in a network namespace\n\n", *kernelN)
	if os.Geteuid() != 0 {
		fmt.Fprintln(w, "Skipped: creating a network namespace needs root.")
		return nil
	}
	if _, err := exec.LookPath("ip"); err != nil {
		fmt.Fprintln(w, "Skipped: the ip command (iproute2) is missing.")
		return nil
	}
	ns := fmt.Sprintf("procnet-bench-%d", os.Getpid())
	cleanup := func() {
		exec.Command("ip", "-n", ns, "link", "del", "veth0").Run()
		exec.Command("ip", "netns", "del", ns).Run()
	}
	defer cleanup()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		cleanup()
		os.Exit(130)
	}()
	defer signal.Stop(sig)

	setup := time.Now()
	if err := ip("netns", "add", ns); err != nil {
		fmt.Fprintf(w, "Skipped: cannot create a network namespace here: %v\n\n", err)
		return nil
	}
	for _, args := range [][]string{
		{"-n", ns, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1"},
		{"-n", ns, "link", "set", "veth0", "up"},
		{"-n", ns, "link", "set", "veth1", "up"},
	} {
		if err := ip(args...); err != nil {
			return err
		}
	}
	batch := filepath.Join(tmp, "neigh.batch")
	if err := writeNeighBatch(batch, *kernelN); err != nil {
		return err
	}
	if err := ip("-n", ns, "-batch", batch); err != nil {
		return err
	}
	fmt.Fprintf(w, "Namespace `%s`, veth0 up, %d entries added with `ip -n NS -batch FILE` (`neigh add 10.X.Y.Z lladdr 02:00:… dev veth0 nud permanent`) in %.1f s.\n"+
		"Inside the namespace net/stat and the gc_thresh sysctls are hidden, so check-arp-table takes the table size and limit from rtnetlink "+
		"and mackerel-plugin-proc-net-arp reports the namespace's rows only. State files are under a temporary directory.\n\n",
		ns, *kernelN, time.Since(setup).Seconds())

	state := func(name string) string { return filepath.Join(tmp, "k-"+name+".json") }
	in := func(argv ...string) []string { return append([]string{"ip", "netns", "exec", ns}, argv...) }

	s := newSeries("in the namespace: commands that read the whole of /proc/net/arp", "kernel, in the namespace", *runsSlow)
	cat := s.add(kindCat, "ip netns exec NS cat /proc/net/arp", in("cat", "/proc/net/arp"), "")
	arp := s.add(kindBin, "ip netns exec NS "+arpPlugin, in(bin(arpPlugin), "-tempfile", state("arp")), state("arp"))
	chk := s.add(kindBin, "ip netns exec NS check-arp-table", in(bin("check-arp-table"), "--state-file", state("check")), "")
	s.run(w)
	v.withinCat(arp, cat, 1.2)
	v.withinCat(chk, cat, 1.2)
	v.rss(s)

	f := newSeries("in the namespace: commands that never open /proc/net/arp", "kernel, in the namespace", *runsFast)
	f.base = cat
	f.add(kindRef, "ip netns exec NS true (the cost of ip netns exec)", in("true"), "")
	only := f.add(kindBin, "ip netns exec NS "+arpPlugin+" -table-only", in(bin(arpPlugin), "-table-only", "-tempfile", state("arp-t")), state("arp-t"))
	below := f.add(kindBin, "ip netns exec NS check-arp-table --gc-thresh3 1000000 (below warning)", in(bin("check-arp-table"), "--gc-thresh3", "1000000", "--state-file", state("check-b")), "")
	f.run(w)
	v.belowFraction(only, cat, 0.05)
	v.belowFraction(below, cat, 0.05)
	v.rss(f)

	h := newSeries("from the initial namespace (its own small net/arp; net/stat counts every namespace)", "kernel, initial namespace", *runsFast)
	h.add(kindCat, "cat /proc/net/arp", []string{"cat", "/proc/net/arp"}, "")
	h.add(kindBin, arpPlugin, []string{bin(arpPlugin), "-tempfile", state("h-arp")}, state("h-arp"))
	h.add(kindBin, arpPlugin+" -table-only", []string{bin(arpPlugin), "-table-only", "-tempfile", state("h-arp-t")}, state("h-arp-t"))
	h.add(kindBin, "check-arp-table", []string{bin("check-arp-table"), "--state-file", state("h-check")}, "")
	h.add(kindBin, "check-arp-table --gc-thresh3 1000000 (below warning)", []string{bin("check-arp-table"), "--gc-thresh3", "1000000", "--state-file", state("h-check-b")}, "")
	h.run(w)
	v.rss(h)
	return nil
}

func ip(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return nil
}

// writeNeighBatch writes n `neigh add` commands of distinct permanent
// entries on veth0.
func writeNeighBatch(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	b := bufio.NewWriter(f)
	for i := range n {
		fmt.Fprintf(b, "neigh add 10.%d.%d.%d lladdr 02:00:00:%02x:%02x:%02x dev veth0 nud permanent\n",
			i>>16&0xff, i>>8&0xff, i&0xff, i>>16&0xff, i>>8&0xff, i&0xff)
	}
	if err := b.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
