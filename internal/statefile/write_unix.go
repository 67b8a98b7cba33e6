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

func writeAtomic(path string, data []byte) error {
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
