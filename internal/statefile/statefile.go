// Package statefile owns the state files of the plugins: where they live
// by default (a directory of the effective user's own, Dir), the one safe
// way to open one for reading (Open) and to replace one (WriteAtomic).
package statefile

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// WriteAtomic replaces path with data: it writes a new file in the same
// directory (O_EXCL, mode 0600, never through a link), syncs it and
// renames it over path, so a reader (or a concurrent run) sees either the
// old content or the new, never a part. The directory is checked as Open
// checks it, and the default one (Dir) is made when absent. Whatever
// stands at path (another user's file, a link, a FIFO) is replaced, never
// written through; a directory there is moved aside first.
func WriteAtomic(path string, data []byte) error {
	return writeAtomic(path, data)
}

// DefaultPath returns a state file path under Dir() that is distinct for
// each program, set of arguments and network namespace: host and
// containers often share one temp dir, and two plugin entries with other
// arguments must not share a state.
func DefaultPath(program string, args []string) string {
	return DefaultPathIn(program, args, "")
}

// DefaultPathIn is DefaultPath for a binary that reads the tables of the
// network namespace netnsID ("net:[INODE]", procnet.NetNS.ID), not of its
// own; "" means its own.
func DefaultPathIn(program string, args []string, netnsID string) string {
	if netnsID == "" {
		netnsID = ownNetnsID()
	}
	h := sha256.New()
	h.Write([]byte(netnsID))
	for _, a := range args {
		h.Write([]byte{0})
		h.Write([]byte(a))
	}
	sum := hex.EncodeToString(h.Sum(nil))[:16]
	return filepath.Join(Dir(), fmt.Sprintf("%s-%s.json", sanitize(program), sum))
}

// ownNetnsID names the network namespace of this process, such as
// "net:[4026531840]", or "" when it cannot be read.
func ownNetnsID() string {
	id, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		return ""
	}
	return id
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == os.PathSeparator || r < ' ' {
			return '_'
		}
		return r
	}, filepath.Base(s))
}
