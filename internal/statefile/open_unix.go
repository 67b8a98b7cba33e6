//go:build unix

package statefile

import (
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

func open(path string, maxSize int64) (*os.File, error) {
	d, err := openDir(path, false)
	if err != nil {
		return nil, err
	}
	defer d.close()
	fd, err := unix.Openat(d.fd, filepath.Base(path), unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	switch {
	case err == unix.ELOOP:
		return nil, untrusted(path, "is a symbolic link")
	case err == unix.EACCES || err == unix.EPERM:
		// Most likely another user's: say whose.
		var st unix.Stat_t
		if unix.Fstatat(d.fd, filepath.Base(path), &st, unix.AT_SYMLINK_NOFOLLOW) == nil {
			if cerr := checkFile(path, &st, maxSize); cerr != nil {
				return nil, cerr
			}
		}
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	case err != nil:
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, &fs.PathError{Op: "fstat", Path: path, Err: err}
	}
	if err := checkFile(path, &st, maxSize); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), path), nil
}

// checkFile says why the file st of path is not a state of this user's.
func checkFile(path string, st *unix.Stat_t, maxSize int64) error {
	euid := uint32(os.Geteuid())
	switch {
	case st.Mode&unix.S_IFMT != unix.S_IFREG:
		return untrusted(path, "is %s, not a regular file", kind(uint32(st.Mode)))
	case st.Uid != euid:
		return untrusted(path, "is owned by uid %d, not this user (uid %d)", st.Uid, euid)
	case st.Nlink != 1:
		return untrusted(path, "has %d hard links, not 1", st.Nlink)
	case st.Size > maxSize:
		return untrusted(path, "is %d bytes, over the %d a state can need", st.Size, maxSize)
	}
	return nil
}

// kind names a file type for messages.
func kind(mode uint32) string {
	switch mode & unix.S_IFMT {
	case unix.S_IFDIR:
		return "a directory"
	case unix.S_IFIFO:
		return "a FIFO"
	case unix.S_IFLNK:
		return "a symbolic link"
	case unix.S_IFSOCK:
		return "a socket"
	case unix.S_IFCHR, unix.S_IFBLK:
		return "a device"
	}
	return "of another kind"
}
