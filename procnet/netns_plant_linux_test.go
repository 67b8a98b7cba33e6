package procnet

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOpenNetNSPlants: what another user can put where a namespace file
// is expected never blocks the open and is never followed: a FIFO is not
// a namespace file, a link is refused by name. None needs root.
func TestOpenNetNSPlants(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o666); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink("/proc/self/ns/net", link); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ spec, want string }{
		{fifo, fifo + " is not a namespace file"},
		{link, link + " is a symbolic link, not followed"},
	} {
		done := make(chan error, 1)
		go func() {
			ns, err := openNetNS(tt.spec, NetNSOptions{})
			if err == nil {
				ns.Close()
			}
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("openNetNS(%q): %v, want %q", tt.spec, err, tt.want)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("openNetNS(%q) blocked", tt.spec)
		}
	}
}

// TestOpenNetNSOfAnotherUserNS: a network namespace made with a user
// namespace of its own (as any user can, unshare -Urn) is refused, unless
// ForeignUserNS says it may be read; the process's own is read.
func TestOpenNetNSOfAnotherUserNS(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("entering a network namespace needs root")
	}
	pid := userNSSleeper(t)
	spec := "/proc/" + strconv.Itoa(pid) + "/ns/net"
	_, err := openNetNS(spec, NetNSOptions{})
	if err == nil || !strings.Contains(err.Error(), "is owned by user namespace user:[") || !strings.Contains(err.Error(), "--netns-foreign-userns") {
		t.Errorf("openNetNS(%q): %v, want a refusal naming the flag", spec, err)
	}
	ns, err := openNetNS(spec, NetNSOptions{ForeignUserNS: true})
	if err != nil {
		t.Fatalf("with ForeignUserNS: %v", err)
	}
	ns.Close()
	ns, err = openNetNS("/proc/self/ns/net", NetNSOptions{})
	if err != nil {
		t.Fatalf("own namespace: %v", err)
	}
	ns.Close()
}

// userNSSleeper starts `unshare -Urn` sleeping as nobody: a network
// namespace owned by a user namespace that an unprivileged user made.
func userNSSleeper(t *testing.T) int {
	t.Helper()
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("needs unshare (util-linux)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, "unshare", "-Urn", "sh", "-c", "echo ready; exec sleep 600")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
		t.Skipf("unshare -Urn as nobody: %q, %v (user namespaces disabled?)", line, err)
	}
	return cmd.Process.Pid
}
