// Package prereqs holds the one list of Debian packages the tests need
// (packages) and its reader (prereqs), which the Makefile and .ci/run
// call. Its test runs the reader on a machine made of a PATH: which
// commands exist, who `id -u` says we are, and an apt-get that installs
// by putting the proof commands on that PATH.
package prereqs

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// machine is a PATH holding only what the reader itself uses, `id`
// answering uid, the given commands, and apt-get when withApt.
func machine(t *testing.T, uid string, withApt bool, commands ...string) (path, aptLog string) {
	t.Helper()
	bin := t.TempDir()
	for _, c := range []string{"bash", "dirname", "grep", "chmod", "echo", "mktemp", "cat", "rm"} {
		p, err := exec.LookPath(c)
		if err != nil {
			t.Skipf("needs %s: %v", c, err)
		}
		if err := os.Symlink(p, filepath.Join(bin, c)); err != nil {
			t.Fatal(err)
		}
	}
	script := func(name, body string) {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	script("id", "echo "+uid)
	script("dpkg-query", "exit 1") // knows no package: busybox-static is missing
	for _, c := range commands {
		script(c, "exit 0")
	}
	aptLog = filepath.Join(t.TempDir(), "apt-get.log")
	if withApt {
		// Installing qemu-user-static brings its command; every call is logged.
		script("apt-get", `echo "$*" >>`+aptLog+`
case "$*" in *install*qemu-user-static*) printf '#!/bin/sh\nexit 0\n' >`+bin+`/qemu-aarch64-static; chmod +x `+bin+`/qemu-aarch64-static;; esac`)
	}
	return bin, aptLog
}

func TestPrereqs(t *testing.T) {
	reader, err := filepath.Abs("prereqs")
	if err != nil {
		t.Fatal(err)
	}
	allKernel := []string{"qemu-system-x86_64", "modprobe", "ipvsadm", "keepalived", "taskset", "xz", "zstd"}
	for _, tt := range []struct {
		name     string
		uid      string
		apt      bool
		ci       bool
		commands []string
		args     []string
		wantExit int
		wantOut  string // the whole output, the ran command's included
		wantApt  string // what apt-get was asked, "" for nothing
	}{
		{
			name: "root with apt-get installs, says so, then runs",
			uid:  "0", apt: true,
			args:     []string{"run", "arm64", "--", "echo", "ran"},
			wantOut:  "prereqs: installing qemu-user-static for the arm64 tests (apt-get install qemu-user-static)\nran\n",
			wantApt:  "update -qq\ninstall -y -qq --no-install-recommends qemu-user-static\n",
			wantExit: 0,
		},
		{
			name:     "root without apt-get skips in one line naming the packages",
			uid:      "0",
			args:     []string{"run", "kernel", "--", "echo", "ran"},
			wantOut:  "prereqs: skipping the real-kernel tests (missing qemu-system-x86 busybox-static kmod ipvsadm keepalived util-linux xz-utils zstd; as root: apt-get install qemu-system-x86 busybox-static kmod ipvsadm keepalived util-linux xz-utils zstd)\n",
			wantExit: 0,
		},
		{
			name: "not root skips the kernel group, and installs nothing",
			uid:  "1000", apt: true,
			args:     []string{"run", "kernel", "--", "echo", "ran"},
			wantOut:  "prereqs: skipping the real-kernel tests (not root; missing qemu-system-x86 busybox-static kmod ipvsadm keepalived util-linux xz-utils zstd, which make installs when run as root)\n",
			wantExit: 0,
		},
		{
			name: "not root runs a group that is all here",
			uid:  "1000", commands: []string{"qemu-aarch64-static"},
			args:     []string{"run", "arm64", "--", "echo", "ran"},
			wantOut:  "ran\n",
			wantExit: 0,
		},
		{
			name: "the kernel group needs root even when all is here",
			uid:  "1000", commands: allKernel,
			args:     []string{"require", "kernel"},
			wantOut:  "prereqs: the real-kernel tests cannot run: not root; missing busybox-static, which make installs when run as root\n",
			wantExit: 1,
		},
		{
			name: "CI fails where make test would skip",
			uid:  "0", ci: true,
			args:     []string{"run", "arm64", "--", "echo", "ran"},
			wantOut:  "prereqs: CI must run the arm64 tests: missing qemu-user-static; as root: apt-get install qemu-user-static\n",
			wantExit: 1,
		},
		{
			name:     "missing lists what is not here",
			uid:      "1000",
			commands: allKernel,
			args:     []string{"missing", "base", "kernel", "arm64"},
			wantOut:  "make git iproute2 dpkg busybox-static qemu-user-static\n",
		},
		{
			name:     "a bad call is a usage error",
			uid:      "0",
			args:     []string{"run", "arm64"},
			wantOut:  "usage: prereqs missing|install|require GROUP... | prereqs run GROUP... -- COMMAND...\n",
			wantExit: 2,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path, aptLog := machine(t, tt.uid, tt.apt, tt.commands...)
			cmd := exec.Command(reader, tt.args...)
			cmd.Env = []string{"PATH=" + path}
			if tt.ci {
				cmd.Env = append(cmd.Env, "CI=true")
			}
			out, err := cmd.CombinedOutput()
			exit := 0
			if ee, ok := err.(*exec.ExitError); ok {
				exit = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if exit != tt.wantExit || string(out) != tt.wantOut {
				t.Errorf("prereqs %s: exit %d, output\n%s\nwant exit %d, output\n%s", strings.Join(tt.args, " "), exit, out, tt.wantExit, tt.wantOut)
			}
			apt, _ := os.ReadFile(aptLog)
			if string(apt) != tt.wantApt {
				t.Errorf("apt-get was asked %q, want %q", apt, tt.wantApt)
			}
		})
	}
}
