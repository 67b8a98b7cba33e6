package procnet

import (
	"io"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// DefaultRoot is the procfs root used when neither a caller nor HOST_PROC
// names one.
const DefaultRoot = "/proc"

// RootEnv names the environment variable that overrides DefaultRoot, as in
// gopsutil and other agents.
const RootEnv = "HOST_PROC"

// FS reads proc sources below one procfs root.
type FS struct {
	root string
}

// NewFS returns an FS rooted at root; an empty root means DefaultRootFromEnv().
func NewFS(root string) FS {
	if root == "" {
		root = DefaultRootFromEnv()
	}
	return FS{root: root}
}

// DefaultRootFromEnv returns $HOST_PROC when set, else DefaultRoot.
func DefaultRootFromEnv() string {
	if r := os.Getenv(RootEnv); r != "" {
		return r
	}
	return DefaultRoot
}

// Root returns the procfs root of fs.
func (fs FS) Root() string { return fs.root }

// IsLive reports whether the root is the running kernel's procfs as seen
// by this process, rather than a copy or a fixture tree. It asks what the
// root is, not how it is spelt (as prometheus/procfs does): a procfs
// mount (statfs magic PROC_SUPER_MAGIC) at its top, where "self" names
// this process. Such a root's net/ and sys/net/ show this process's
// network namespace whichever mount it is (HOST_PROC=/host/proc in a
// container reads the container's namespace through the host's procfs,
// since net is a link to self/net), which is the namespace rtnetlink
// answers for, so the two sources agree. A pid directory such as
// /proc/1 is a procfs too, but shows another process's namespace: it is
// not live.
func (fs FS) IsLive() bool {
	var st unix.Statfs_t
	if err := unix.Statfs(fs.root, &st); err != nil || st.Type != unix.PROC_SUPER_MAGIC {
		return false
	}
	_, err := os.Readlink(filepath.Join(fs.root, "self"))
	return err == nil
}

// Path returns the path of a source given relative to the root, such as
// "net/arp".
func (fs FS) Path(rel string) string { return filepath.Join(fs.root, rel) }

// parseFile opens rel below the root and hands it to parse together with
// the file's path for error messages. A missing file gives an
// *os.PathError, which wraps fs.ErrNotExist.
func (fs FS) parseFile(rel string, parse func(r io.Reader, name string) error) error {
	return parsePath(fs.Path(rel), parse)
}
