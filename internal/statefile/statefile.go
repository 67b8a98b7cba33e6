// Package statefile owns the state files of the plugins: where they live
// by default (a directory of the effective user's own, Dir), the one safe
// way to open one for reading (Open) and to replace one (WriteAtomic).
package statefile

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// WriteAtomic replaces path with data: it writes a new file in the same
// directory (O_EXCL, mode 0600, never through a link), syncs it and
// renames it over path, so a reader (or a concurrent run) sees either the
// old content or the new, never a part. The directory is checked as Open
// checks it, and the default one (Dir) is made when absent. Whatever
// stands at path (another user's file, a link, a FIFO) is replaced, never
// written through; a directory there is moved aside first.
func WriteAtomic(path string, data []byte) error {
	d, err := openDir(path, true)
	if errors.Is(err, ErrUntrusted) {
		return err // names the directory and the reason
	}
	if err != nil {
		return fmt.Errorf("state file %s: %w", path, err)
	}
	defer d.close()
	base := filepath.Base(path)
	tmp, err := d.writeTemp(base, data)
	if err != nil {
		return fmt.Errorf("state file %s: %w", path, err)
	}
	err = unix.Renameat(d.fd, tmp, d.fd, base)
	if err == unix.EISDIR || err == unix.ENOTEMPTY || err == unix.EEXIST {
		err = unix.Renameat(d.fd, base, d.fd, "."+base+".untrusted-"+rand.Text())
		if err == nil {
			err = unix.Renameat(d.fd, tmp, d.fd, base)
		}
	}
	if err != nil {
		unix.Unlinkat(d.fd, tmp, 0)
		return fmt.Errorf("state file %s: %w", path, &fs.PathError{Op: "rename", Path: path, Err: err})
	}
	return nil
}

// writeTemp writes data to a new file in d named after base and returns
// its name.
func (d *dir) writeTemp(base string, data []byte) (string, error) {
	var name string
	var fd int
	for i := 0; ; i++ {
		name = "." + base + ".tmp-" + rand.Text()
		var err error
		fd, err = unix.Openat(d.fd, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
		if err == nil {
			break
		}
		if err != unix.EEXIST || i == 3 {
			return "", &fs.PathError{Op: "create", Path: filepath.Join(d.path, name), Err: err}
		}
	}
	f := os.NewFile(uintptr(fd), filepath.Join(d.path, name))
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		unix.Unlinkat(d.fd, name, 0)
		return "", err
	}
	return name, nil
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
