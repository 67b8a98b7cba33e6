package procnet

import (
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// netnsDir is where `ip netns` keeps its named network namespaces: a
// --netns value without a slash is a name below it.
const netnsDir = "/var/run/netns"

// nsGetNSType is NS_GET_NSTYPE of linux/nsfs.h, _IO(0xb7, 0x3): the
// CLONE_NEW* type of a namespace file (Linux 4.11).
const nsGetNSType = 0xb703

// NetNS is a network namespace the tables are read from, other than the
// process's own. It is the one place in this package that enters a
// network namespace (NetNS.do); every reader given one (an FS made with
// FS.withNetNS, DialIPVSIn, a NeighReader on such an FS) opens its netlink
// sockets and its per-namespace files there, and reads them from any
// thread afterwards: a socket and an open /proc/net file belong to the
// namespace they were opened in.
type NetNS struct {
	spec string // as the user named it
	path string
	h    netns.NsHandle
	id   string // "net:[INODE]", as /proc/PID/ns/net links read
}

// openNetNS opens the network namespace spec names: a name from `ip
// netns` (below netnsDir) or a path to a namespace file, such as
// /var/run/docker/netns/ingress_sbox or /proc/PID/ns/net. It enters it
// once on a thread of its own, so that a missing namespace, a file that
// is not one, and a lack of permission (entering needs CAP_SYS_ADMIN)
// are one error naming the namespace, before anything is read.
func openNetNS(spec string, o NetNSOptions) (*NetNS, error) {
	if spec == "" {
		return nil, errors.New("network namespace: empty name")
	}
	n := &NetNS{spec: spec, path: spec}
	if !strings.Contains(spec, "/") {
		n.path = filepath.Join(netnsDir, spec)
	}
	h, err := openNSFile(n.path)
	if err != nil {
		switch {
		case errors.Is(err, unix.ELOOP):
			return nil, fmt.Errorf("%s: %s is a symbolic link, not followed: name the namespace file itself", n, n.path)
		case errors.Is(err, iofs.ErrNotExist) && n.path != spec:
			return nil, fmt.Errorf("%s: no such namespace (ip netns list shows the names in %s): %w", n, netnsDir, err)
		case errors.Is(err, iofs.ErrNotExist):
			return nil, fmt.Errorf("%s: no such namespace: %w", n, err)
		case errors.Is(err, iofs.ErrPermission):
			return nil, fmt.Errorf("%s: %w (needs root; a /proc/PID/ns/net also needs the right to trace PID)", n, err)
		}
		return nil, fmt.Errorf("%s: %w", n, err)
	}
	n.h = h
	if err := n.check(); err != nil {
		n.Close()
		return nil, err
	}
	if !o.ForeignUserNS {
		if err := n.checkOwner(); err != nil {
			n.Close()
			return nil, err
		}
	}
	if err := n.do(func() error { return nil }); err != nil {
		n.Close()
		return nil, err
	}
	return n, nil
}

// openNSFile opens the namespace file path without blocking (a FIFO
// planted there) and without following a final symbolic link (one
// planted in a directory of namespace files), relative to its directory.
// The one link followed is the kernel's own: /proc/PID/ns/net, in a
// directory of procfs, where no one can plant anything.
func openNSFile(path string) (netns.NsHandle, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	dfd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(dfd)
	flags := unix.O_RDONLY | unix.O_NONBLOCK | unix.O_NOCTTY | unix.O_CLOEXEC
	var sfs unix.Statfs_t
	if err := unix.Fstatfs(dfd, &sfs); err != nil || sfs.Type != unix.PROC_SUPER_MAGIC {
		flags |= unix.O_NOFOLLOW
	}
	fd, err := unix.Openat(dfd, base, flags, 0)
	if err != nil {
		return -1, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return netns.NsHandle(fd), nil
}

// nsGetUserNS is NS_GET_USERNS of linux/nsfs.h, _IO(0xb7, 0x1): a file
// of the user namespace that owns a namespace (Linux 4.9).
const nsGetUserNS = 0xb701

// checkOwner refuses a network namespace owned by a user namespace other
// than this process's own: any unprivileged user can make one (unshare
// -Urn) and fill its tables, and a /proc/PID/ns/net of theirs, or a PID
// reused by their process, would have root report their table as the
// host's. One owned by an ancestor (the kernel says EPERM) was made by
// someone more privileged than this process, and is read.
func (n *NetNS) checkOwner() error {
	ufd, err := unix.IoctlRetInt(int(n.h), nsGetUserNS)
	if errors.Is(err, unix.EPERM) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: cannot tell which user namespace owns it (NS_GET_USERNS needs Linux 4.9): %v; give --netns-foreign-userns to read it anyway", n, err)
	}
	defer unix.Close(ufd)
	var owner, own unix.Stat_t
	if err := unix.Fstat(ufd, &owner); err != nil {
		return fmt.Errorf("%s: %w", n, os.NewSyscallError("fstat", err))
	}
	if err := unix.Stat("/proc/self/ns/user", &own); err != nil {
		return fmt.Errorf("%s: %w", n, &os.PathError{Op: "stat", Path: "/proc/self/ns/user", Err: err})
	}
	if owner.Dev != own.Dev || owner.Ino != own.Ino {
		return fmt.Errorf("%s is owned by user namespace user:[%d], not this process's user:[%d]: any user can make such a namespace, so its tables are not read; give --netns-foreign-userns to read it anyway", n, owner.Ino, own.Ino)
	}
	return nil
}

// check makes sure the file is a network namespace.
func (n *NetNS) check() error {
	var sfs unix.Statfs_t
	if err := unix.Fstatfs(int(n.h), &sfs); err != nil {
		return fmt.Errorf("%s: %w", n, os.NewSyscallError("fstatfs", err))
	}
	if sfs.Type != unix.NSFS_MAGIC {
		return fmt.Errorf("%s: %s is not a namespace file", n, n.path)
	}
	typ, err := unix.IoctlRetInt(int(n.h), nsGetNSType)
	if err == nil && typ != unix.CLONE_NEWNET {
		return fmt.Errorf("%s: %s is a namespace of another kind, not a network namespace", n, n.path)
	}
	var st unix.Stat_t
	if err := unix.Fstat(int(n.h), &st); err != nil {
		return fmt.Errorf("%s: %w", n, os.NewSyscallError("fstat", err))
	}
	n.id = fmt.Sprintf("net:[%d]", st.Ino)
	return nil
}

// String names the namespace as the user did, for messages.
func (n *NetNS) String() string {
	if n.path != n.spec {
		return fmt.Sprintf("network namespace %s (%s)", n.spec, n.path)
	}
	return "network namespace " + n.spec
}

// ID is the namespace's identity, "net:[INODE]" as /proc/PID/ns/net
// links read: the same namespace whatever name or path it was given by;
// "" for a nil NetNS (the process's own namespace).
func (n *NetNS) ID() string {
	if n == nil {
		return ""
	}
	return n.id
}

// Close releases the namespace file.
func (n *NetNS) Close() error { return n.h.Close() }

// onMainThread reports whether the calling goroutine, locked to its
// thread, runs on the process's main thread; a variable for the tests.
var onMainThread = func() bool { return unix.Gettid() == unix.Getpid() }

// do runs fn on an OS thread of its own that has entered the namespace.
// fn must not start goroutines that expect to run in the namespace.
func (n *NetNS) do(fn func() error) error {
	return onThreadOfItsOwn(func() error {
		if err := netns.Set(n.h); err != nil {
			err = os.NewSyscallError("setns", err)
			if errors.Is(err, unix.EPERM) {
				return fmt.Errorf("%s: entering it needs CAP_SYS_ADMIN (run as root): %w", n, err)
			}
			return fmt.Errorf("%s: entering it: %w", n, err)
		}
		return nil
	}, fn)
}

// onThreadOfItsOwn runs enter, then fn if enter succeeded, on a thread
// locked to a goroutine of its own, never the main thread. setns and
// unshare change the calling thread only, so the goroutine never unlocks
// it once enter ran: a thread whose namespace changed is never handed
// back to the Go scheduler, it exits with the goroutine. The main thread
// never enters: /proc/self/ns/net and /proc/self/net follow it, and the
// runtime parks it rather than end it. A goroutine that finds itself
// there holds it, so that no other goroutine can run on it, while another
// goroutine does the work, then lets it go, its namespace unchanged.
// (Locking the main goroutine to the main thread in an init would do the
// same, but costs every run a thread start, up to milliseconds on a
// loaded machine, for the few runs that name a namespace.)
func onThreadOfItsOwn(enter, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if onMainThread() {
			errc <- onThreadOfItsOwn(enter, fn)
			runtime.UnlockOSThread()
			return
		}
		if err := enter(); err != nil {
			errc <- err
			return
		}
		errc <- fn()
	}()
	return <-errc
}

// open opens path from a thread inside the namespace. /proc/self/net
// shows the namespace of the process's first thread, so a file of
// /proc/net is opened as /proc/thread-self/net/...; the open file keeps
// showing the namespace it was opened in, from whichever thread reads it.
func (n *NetNS) open(path string) (*os.File, error) {
	var f *os.File
	err := n.do(func() (err error) {
		f, err = os.Open(path)
		return err
	})
	return f, err
}

// readFile is os.ReadFile of a file opened inside the namespace.
func (n *NetNS) readFile(path string) ([]byte, error) {
	f, err := n.open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// openNetlinkIn opens a netlink socket of the protocol proto in ns, or
// in the caller's namespace when ns is nil. The socket answers for the
// namespace it was opened in, from any thread.
func openNetlinkIn(ns *NetNS, proto int) (*nlSocket, error) {
	if ns == nil {
		return openNetlink(proto)
	}
	var s *nlSocket
	err := ns.do(func() (err error) {
		s, err = openNetlink(proto)
		return err
	})
	return s, err
}
