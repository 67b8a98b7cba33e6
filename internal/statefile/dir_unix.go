//go:build unix

package statefile

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// dir is an open, checked directory of state files: every file of it is
// opened, created and renamed relative to the descriptor, so that what
// was checked is what is used even if the path changes meanwhile.
type dir struct {
	fd   int
	path string
}

func (d *dir) close() { unix.Close(d.fd) }

// openDir opens the directory of the state file path. The default
// directory (Dir) must be the effective user's, mode 0700 and not a
// symbolic link; with create it is made when absent, and anything else in
// its place (another user's directory, a link, a file, a FIFO) is moved
// aside, once, when the work directory lets this user do so. Any other
// directory (a --state-file or -tempfile of the user's choice) must be
// the effective user's or root's, and either writable by no one else or
// sticky (/tmp), so that no other user can replace a state in it.
func openDir(path string, create bool) (*dir, error) {
	name := filepath.Dir(path)
	if name == Dir() {
		return openOwnDir(name, create)
	}
	fd, err := unix.Open(name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, &fs.PathError{Op: "fstat", Path: name, Err: err}
	}
	euid := uint32(os.Geteuid())
	switch {
	case st.Uid != euid && st.Uid != 0:
		err = untrustedDir(name, "is owned by uid %d, neither this user (uid %d) nor root", st.Uid, euid)
	case st.Mode&0o022 != 0 && st.Mode&unix.S_ISVTX == 0:
		err = untrustedDir(name, "is writable by other users and not sticky (mode %04o): they could replace a state in it", st.Mode&0o7777)
	}
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	return &dir{fd: fd, path: name}, nil
}

// openOwnDir opens the per-user directory name (Dir), as openDir says.
func openOwnDir(name string, create bool) (*dir, error) {
	work := filepath.Dir(name)
	wfd, err := unix.Open(work, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: work, Err: err}
	}
	defer unix.Close(wfd)
	base := filepath.Base(name)
	for moved := false; ; moved = true {
		fd, err := openOwnDirAt(wfd, name, base)
		if errors.Is(err, fs.ErrNotExist) && create {
			if err := unix.Mkdirat(wfd, base, 0o700); err != nil && err != unix.EEXIST {
				return nil, &fs.PathError{Op: "mkdir", Path: name, Err: err}
			}
			fd, err = openOwnDirAt(wfd, name, base)
		}
		if err == nil || !create || moved || !errors.Is(err, ErrUntrusted) {
			if err != nil {
				return nil, err
			}
			return &dir{fd: fd, path: name}, nil
		}
		aside := "." + base + ".untrusted-" + rand.Text()
		if rerr := unix.Renameat(wfd, base, wfd, aside); rerr != nil {
			return nil, fmt.Errorf("%w; it cannot be moved aside: %v", err, rerr)
		}
	}
}

// openOwnDirAt opens base in the work directory wfd and checks that it is
// the effective user's own directory, mode 0700. A directory of the user
// with a wider mode is narrowed: what others may have planted in it is
// refused file by file (Open).
func openOwnDirAt(wfd int, name, base string) (int, error) {
	fd, err := unix.Openat(wfd, base, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	switch {
	case err == unix.ENOENT:
		return -1, &fs.PathError{Op: "open", Path: name, Err: err}
	case err == unix.ELOOP || err == unix.ENOTDIR:
		var st unix.Stat_t
		if unix.Fstatat(wfd, base, &st, unix.AT_SYMLINK_NOFOLLOW) != nil {
			return -1, untrustedDir(name, "is not a directory")
		}
		return -1, untrustedDir(name, "is %s, not a directory", kind(uint32(st.Mode)))
	case err != nil:
		return -1, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return -1, &fs.PathError{Op: "fstat", Path: name, Err: err}
	}
	if euid := uint32(os.Geteuid()); st.Uid != euid {
		unix.Close(fd)
		return -1, untrustedDir(name, "is owned by uid %d, not this user (uid %d)", st.Uid, euid)
	}
	if st.Mode&0o7777 != 0o700 {
		if err := unix.Fchmod(fd, 0o700); err != nil {
			unix.Close(fd)
			return -1, untrustedDir(name, "has mode %04o, not 0700, and cannot be narrowed: %v", st.Mode&0o7777, err)
		}
	}
	return fd, nil
}
