package procnet

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
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
	testbin.SkipEmulated(t)
	pid := testbin.UserNSSleeper(t)
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
