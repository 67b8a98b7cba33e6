package kernel

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const qemu = "qemu-system-x86_64"

// CPUs is how many CPUs each kernel gets: enough for the per-CPU
// counters to differ, on a host of any size (they are emulated).
var CPUs = 4

// accel is QEMU's accelerator. TCG, the emulator, is the default: it
// runs on any x86-64 host. KVM, where it works, is much faster; nested
// KVM on cloud VMs is often broken (seen here: QEMU aborting on an MSR,
// or the boot firmware spinning), so it is opt-in.
func accel() string {
	if a := os.Getenv("PROCNET_QEMU_ACCEL"); a != "" {
		return a
	}
	return "tcg"
}

// Run is what one boot of a kernel gave.
type Run struct {
	// Output is what the program printed (stdout and stderr).
	Output string
	// ExitCode is the program's exit status.
	ExitCode int
	// Console is the kernel's console: its boot messages and init's.
	Console string
	// Took is the time from the start of the boot to the power-off, the
	// retried boot's included.
	Took time.Duration
	// Retried holds the console's end of a first boot that died before
	// the program started, when there was one.
	Retried string
}

// errNotStarted is a boot that died before the program started: the
// only failure that is retried.
var errNotStarted = errors.New("the kernel died before the program started")

// Boot boots k with an init that runs program with args, as root, with
// Inside true, Work a directory shared with the host and Bin finding the
// binaries in binDir; it returns what the program printed and how it
// exited, once the kernel has powered off. The program must be on the
// host's file system, which is the kernel's read-only root. A boot that
// dies before the program starts is retried once; a failure after it
// started never is.
func Boot(k Kernel, program string, args []string, binDir string) (Run, error) {
	if reason := missing(); reason != "" {
		return Run{}, fmt.Errorf("no real kernel can be booted here: %s (install: %s)", reason, Install)
	}
	start := time.Now()
	run, err := bootOnce(k, program, args, binDir)
	if errors.Is(err, errNotStarted) {
		first := tail(run.Console, 30)
		run, err = bootOnce(k, program, args, binDir)
		run.Retried = first
	}
	run.Took = time.Since(start)
	return run, err
}

func bootOnce(k Kernel, program string, args []string, binDir string) (Run, error) {
	base, err := os.MkdirTemp("", "procnet-kernel-")
	if err != nil {
		return Run{}, err
	}
	defer os.RemoveAll(base)
	// share is the guest's writable 9p export; the console log stays
	// beside it, out of the guest's reach.
	share := filepath.Join(base, "share")
	if err := os.Mkdir(share, 0o755); err != nil {
		return Run{}, err
	}
	init := filepath.Join(share, "init")
	if err := os.WriteFile(init, []byte(initScript(share, program, binDir, k.Dir, args)), 0o755); err != nil {
		return Run{}, err
	}

	ctx, cancel := context.WithTimeout(context.Background(), BootTimeout)
	defer cancel()
	consolePath := filepath.Join(base, "console.log")
	console, err := os.Create(consolePath)
	if err != nil {
		return Run{}, err
	}
	cmd := exec.CommandContext(ctx, qemu, qemuArgs(k, init, share)...)
	cmd.Stdout, cmd.Stderr = console, console
	runErr := cmd.Run()
	console.Close()

	inner, _ := os.ReadFile(filepath.Join(share, "out"))
	cons, _ := os.ReadFile(consolePath)
	run := Run{Output: string(inner), Console: string(cons)}
	_, startErr := os.Stat(filepath.Join(share, "started"))
	rc, rcErr := os.ReadFile(filepath.Join(share, "rc"))
	switch {
	case ctx.Err() != nil:
		return run, fmt.Errorf("%s: not finished after %v", k.Name(), BootTimeout)
	case startErr != nil:
		return run, fmt.Errorf("%s: %w (qemu: %v)", k.Name(), errNotStarted, runErr)
	case rcErr != nil:
		return run, fmt.Errorf("%s: the program did not finish inside (qemu: %v)", k.Name(), runErr)
	}
	run.ExitCode, err = strconv.Atoi(strings.TrimSpace(string(rc)))
	if err != nil {
		return run, fmt.Errorf("%s: exit status from inside: %w", k.Name(), err)
	}
	return run, nil
}

// qemuArgs boot k's kernel and initramfs, whose /init mounts the host's /
// (the 9p export "host") read-only and runs init from there; share is
// writable as the export "out".
func qemuArgs(k Kernel, init, share string) []string {
	return []string{
		"-accel", accel(), "-cpu", "max", "-smp", strconv.Itoa(CPUs), "-m", "2048",
		"-nographic", "-no-reboot", "-net", "none",
		"-kernel", filepath.Join(k.Dir, "vmlinuz"), "-initrd", filepath.Join(k.Dir, "initrd.gz"),
		"-append", "console=ttyS0 quiet panic=-1 procnet.init=" + init,
		"-virtfs", "local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap",
		"-virtfs", "local,path=" + share + ",mount_tag=out,security_model=none",
	}
}

// initScript is PID 1 once the initramfs has switched to the host's
// read-only /: it mounts share writable at the same path, marks the
// start, runs the program with /run as a tmpfs for TMPDIR, and powers
// off.
func initScript(share, program, binDir, kernelDir string, args []string) string {
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
	var quoted []string
	for _, a := range args {
		quoted = append(quoted, q(a))
	}
	return fmt.Sprintf(`#!/bin/sh
# generated by internal/harness/kernel: PID 1 on the host's read-only /
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C HOME=/run
mount -t tmpfs tmpfs /run
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 out %[1]s
: > %[1]s/started
mkdir -p /run/tmp /dev/shm /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t devpts devpts /dev/pts
ip link set lo up
cd %[1]s
%[4]s=1 %[5]s=%[1]s %[6]s=%[7]s %[8]s=%[9]s TMPDIR=/run/tmp %[2]s %[3]s > %[1]s/out 2>&1
echo $? > %[1]s/rc
sync
poweroff -f
`, q(share), q(program), strings.Join(quoted, " "), insideEnv, workEnv, binEnv, q(binDir), kernelDirEnv, q(kernelDir))
}

func tail(s string, lines int) string {
	parts := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}
