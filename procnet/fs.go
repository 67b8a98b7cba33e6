package procnet

import (
	"io"
	"os"
	"path/filepath"
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

// IsLive reports whether fs reads the running kernel's own /proc rather
// than a copy or a fixture tree.
func (fs FS) IsLive() bool { return filepath.Clean(fs.root) == DefaultRoot }

// Path returns the path of a source given relative to the root, such as
// "net/arp".
func (fs FS) Path(rel string) string { return filepath.Join(fs.root, rel) }

// parseFile opens rel below the root and hands it to parse together with
// the file's path for error messages. A missing file gives an
// *os.PathError, which wraps fs.ErrNotExist.
func (fs FS) parseFile(rel string, parse func(r io.Reader, name string) error) error {
	return parsePath(fs.Path(rel), parse)
}
