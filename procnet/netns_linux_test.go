package procnet

import (
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
	"golang.org/x/sys/unix"
)

// TestOpenNetNSErrors: what cannot be entered is one error naming the
// namespace as the user did, wrapping the cause. None needs root.
func TestOpenNetNSErrors(t *testing.T) {
	testbin.SkipEmulated(t)
	plain := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(plain, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		spec     string
		want     []string
		notExist bool
	}{
		{"", []string{"empty name"}, false},
		{"procnet-no-such-ns", []string{"network namespace procnet-no-such-ns (/var/run/netns/procnet-no-such-ns): no such namespace", "ip netns list"}, true},
		{"/var/run/docker/netns/procnet-no-such-ns", []string{"network namespace /var/run/docker/netns/procnet-no-such-ns: no such namespace"}, true},
		{plain, []string{"network namespace " + plain + ": " + plain + " is not a namespace file"}, false},
		{"/proc/self/ns/mnt", []string{"/proc/self/ns/mnt is a namespace of another kind"}, false},
	}
	for _, tt := range tests {
		ns, err := openNetNS(tt.spec, NetNSOptions{})
		if err == nil {
			ns.Close()
			t.Errorf("openNetNS(%q, NetNSOptions{}): no error", tt.spec)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("openNetNS(%q, NetNSOptions{}): %v\nlacks %q", tt.spec, err, w)
			}
		}
		if errors.Is(err, iofs.ErrNotExist) != tt.notExist {
			t.Errorf("openNetNS(%q, NetNSOptions{}): %v: wraps ErrNotExist %v, want %v", tt.spec, err, !tt.notExist, tt.notExist)
		}
	}
}

// TestFSInNetNS: in its own namespace (which a root process may enter)
// the FS opens net/ through thread-self, names the namespace in its
// paths, keeps global files as they are, and reads the same table as
// the process's own /proc/net. A fixture root has no namespace.
func TestFSInNetNS(t *testing.T) {
	testbin.SkipEmulated(t)
	if os.Geteuid() != 0 {
		t.Skip("entering a network namespace, even the own one, needs CAP_SYS_ADMIN")
	}
	ns, err := openNetNS("/proc/self/ns/net", NetNSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	if own, _ := os.Readlink("/proc/self/ns/net"); ns.ID() != own || own == "" {
		t.Errorf("ID %q, own namespace %q", ns.ID(), own)
	}
	if _, err := NewFS("../testdata/lvs-director").withNetNS(ns); err == nil || !strings.Contains(err.Error(), "is not the live /proc") {
		t.Errorf("fixture root in a namespace: %v", err)
	}
	fs, err := NewFS("/proc").withNetNS(ns)
	if err != nil {
		t.Fatal(err)
	}
	for rel, want := range map[string]string{
		"net/arp":                    "/proc/thread-self/net/arp of network namespace /proc/self/ns/net",
		"sys/net/ipv4/neigh/default": "/proc/sys/net/ipv4/neigh/default of network namespace /proc/self/ns/net",
		"sys/kernel/random/boot_id":  "/proc/sys/kernel/random/boot_id",
		"net/stat/arp_cache":         "/proc/thread-self/net/stat/arp_cache of network namespace /proc/self/ns/net",
		"sys/kernel/osrelease":       "/proc/sys/kernel/osrelease",
	} {
		if got := fs.Path(rel); got != want {
			t.Errorf("Path(%q) = %q, want %q", rel, got, want)
		}
	}
	got, err := fs.CountARP()
	if err != nil {
		t.Fatal(err)
	}
	own, err := NewFS("/proc").CountARP()
	if err != nil {
		t.Fatal(err)
	}
	// Other processes may add and drop neighbours between the reads.
	if diff := int64(got.Total()) - int64(own.Total()); diff > 50 || diff < -50 {
		t.Errorf("net/arp through the namespace: %d rows, own %d", got.Total(), own.Total())
	}
	_, err = fs.IPVSStats()
	if err != nil && (!errors.Is(err, iofs.ErrNotExist) || !strings.Contains(err.Error(), "of network namespace /proc/self/ns/net")) {
		t.Errorf("a missing file in the namespace: %v, want one naming the namespace and wrapping ErrNotExist", err)
	}
}

// TestNetNSThreadsNeverReturn: a thread that entered another namespace
// is never handed back to the scheduler. After many entries, every
// thread the runtime then runs goroutines on is still in the process's
// own namespace. As root only (the namespace is made with ip netns).
func TestNetNSThreadsNeverReturn(t *testing.T) {
	ns, own := openOtherNetNS(t)
	if own == ns.ID() {
		t.Fatalf("the test namespace is the process's own: %s", own)
	}
	for range 50 {
		var inside string
		if err := ns.do(func() (err error) {
			inside, err = os.Readlink("/proc/thread-self/ns/net")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if inside != ns.ID() {
			t.Fatalf("inside do: %s, want %s", inside, ns.ID())
		}
	}
	if self, _ := os.Readlink("/proc/self/ns/net"); self != own {
		t.Errorf("the main thread entered %s: /proc/self/ns/net is %s, was %s", ns.ID(), self, own)
	}
	var wg sync.WaitGroup
	seen := make(chan string, 200)
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			l, _ := os.Readlink("/proc/thread-self/ns/net")
			seen <- l
		}()
	}
	wg.Wait()
	close(seen)
	for l := range seen {
		if l != own {
			t.Fatalf("a goroutine ran in %s, not the process's %s", l, own)
		}
	}
}

// TestNetNSDoOnTheMainThread: a goroutine of do that finds itself on the
// main thread hands the work to another and leaves its own thread in
// the process's namespace. The main thread is stood in for by the first
// thread asked. As root only.
func TestNetNSDoOnTheMainThread(t *testing.T) {
	ns, own := openOtherNetNS(t)
	real := onMainThread
	defer func() { onMainThread = real }()
	standIn := 0
	onMainThread = func() bool {
		if standIn == 0 {
			standIn = unix.Gettid()
			return true
		}
		return real()
	}
	var inside, standInNS string
	if err := ns.do(func() (err error) {
		inside, err = os.Readlink("/proc/thread-self/ns/net")
		if err == nil {
			standInNS, err = os.Readlink(fmt.Sprintf("/proc/self/task/%d/ns/net", standIn))
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if inside != ns.ID() || standInNS != own || standIn == 0 {
		t.Errorf("fn ran in %s (want %s); the stand-in main thread %d was in %s (want %s)", inside, ns.ID(), standIn, standInNS, own)
	}
}

// openOtherNetNS opens a namespace made for the test (closed when it
// ends) and returns it with the identity of the process's own.
func openOtherNetNS(t *testing.T) (ns *NetNS, own string) {
	t.Helper()
	ns, err := openNetNS(testbin.NewNetNS(t).Name, NetNSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Close() })
	own, err = os.Readlink("/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	return ns, own
}
