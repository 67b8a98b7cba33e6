package procnet

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// defaultRoot is the procfs root used when neither a caller nor HOST_PROC
// names one.
const defaultRoot = "/proc"

// rootEnv names the environment variable that overrides defaultRoot, as in
// gopsutil and other agents.
const rootEnv = "HOST_PROC"

// FS reads proc sources below one procfs root, as the process's own
// network namespace or, made with withNetNS, another one sees them.
type FS struct {
	root string
	ns   *NetNS
}

// NewFS returns an FS rooted at root; an empty root means defaultRootFromEnv().
func NewFS(root string) FS {
	if root == "" {
		root = defaultRootFromEnv()
	}
	return FS{root: root}
}

// defaultRootFromEnv returns $HOST_PROC when set, else defaultRoot.
func defaultRootFromEnv() string {
	if r := os.Getenv(rootEnv); r != "" {
		return r
	}
	return defaultRoot
}

// Root returns the procfs root of fs.
func (fs FS) Root() string { return fs.root }

// withNetNS returns an FS that reads the tables of the network namespace
// ns, as the binary would read them run inside it (`ip netns exec`):
// the files of net/ and sys/net/ below the root are opened from a thread
// inside ns (net/ through thread-self/net, since self/net shows the
// process's first thread), and the netlink readers given this FS open
// their sockets there. The kernel decides what a namespace shows: the
// global neighbour table's net/stat files and gc_thresh sysctls exist
// only in the initial namespace, so in another one they are missing, as
// in a container, and the readers ask rtnetlink for that global table.
// Other files (sys/kernel/...) are global and read as they are. The root
// must be the live procfs: a copy or a fixture tree has no namespace to
// enter. A nil ns gives fs itself.
func (fs FS) withNetNS(ns *NetNS) (FS, error) {
	if ns == nil {
		return fs, nil
	}
	if !fs.IsLive() {
		return fs, fmt.Errorf("%s: the procfs root %s is not the live /proc of this kernel, so it has no namespace to read", ns, fs.root)
	}
	fs.ns = ns
	return fs, nil
}

// OpenFS is NewFS(root) in the network namespace netns names (openNetNS),
// or in the process's own when netns is "": what a binary's -procfs-root
// and --netns flags name. The error names the namespace. A namespace
// owned by another user namespace than the process's own is refused
// (OpenFSWith can accept it).
func OpenFS(root, netns string) (FS, error) {
	return OpenFSWith(root, netns, NetNSOptions{})
}

// NetNSOptions are how OpenFSWith opens a network namespace.
type NetNSOptions struct {
	// ForeignUserNS accepts a network namespace owned by a user namespace
	// other than the process's own (--netns-foreign-userns), which any
	// user can create.
	ForeignUserNS bool
}

// OpenFSWith is OpenFS with options.
func OpenFSWith(root, netns string, o NetNSOptions) (FS, error) {
	fs := NewFS(root)
	if netns == "" {
		return fs, nil
	}
	ns, err := openNetNS(netns, o)
	if err != nil {
		return fs, err
	}
	nfs, err := fs.withNetNS(ns)
	if err != nil {
		ns.Close()
	}
	return nfs, err
}

// NetNS is the namespace given to withNetNS, nil for the process's own.
func (fs FS) NetNS() *NetNS { return fs.ns }

// inNetNS reports whether rel is opened inside the FS's namespace.
func (fs FS) inNetNS(rel string) bool {
	return fs.ns != nil && (strings.HasPrefix(rel, "net/") || strings.HasPrefix(rel, "sys/net/"))
}

// Path returns the path of a source given relative to the root, such as
// "net/arp", for messages; with a namespace given to withNetNS it names
// the namespace too, such as "/proc/thread-self/net/arp of network
// namespace ingress_sbox".
func (fs FS) Path(rel string) string {
	if fs.inNetNS(rel) {
		return fs.openPath(rel) + " of " + fs.ns.String()
	}
	return filepath.Join(fs.root, rel)
}

// openPath is the path rel is opened by.
func (fs FS) openPath(rel string) string {
	if fs.inNetNS(rel) && strings.HasPrefix(rel, "net/") {
		return filepath.Join(fs.root, "thread-self", rel)
	}
	return filepath.Join(fs.root, rel)
}

// open opens rel below the root, inside the namespace when it belongs to
// one.
func (fs FS) open(rel string) (*os.File, error) {
	if fs.inNetNS(rel) {
		f, err := fs.ns.open(fs.openPath(rel))
		return f, fs.nameNetNS(rel, err)
	}
	return os.Open(fs.openPath(rel))
}

// readFile is os.ReadFile of rel below the root, inside the namespace
// when it belongs to one.
func (fs FS) readFile(rel string) ([]byte, error) {
	if fs.inNetNS(rel) {
		b, err := fs.ns.readFile(fs.openPath(rel))
		return b, fs.nameNetNS(rel, err)
	}
	return os.ReadFile(fs.openPath(rel))
}

// nameNetNS makes an *os.PathError about rel name the namespace too (its
// Path becomes fs.Path(rel)); it still wraps the cause.
func (fs FS) nameNetNS(rel string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) && pe.Path == fs.openPath(rel) {
		pe.Path = fs.Path(rel)
	}
	return err
}

// parseFile opens rel below the root and hands it to parse together with
// the file's name (Path) for error messages. A missing file gives an
// *os.PathError, which wraps fs.ErrNotExist.
func (fs FS) parseFile(rel string, parse func(r io.Reader, name string) error) error {
	f, err := fs.open(rel)
	if err != nil {
		return err
	}
	defer f.Close()
	return parse(f, fs.Path(rel))
}
