//go:build !unix

package statefile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// The binaries are for Linux; elsewhere the package builds with plain
// checks, for vetting and tests of the callers.

func open(path string, maxSize int64) (*os.File, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, untrusted(path, "is not a regular file")
	}
	if fi.Size() > maxSize {
		return nil, untrusted(path, "is %d bytes, over the %d a state can need", fi.Size(), maxSize)
	}
	return os.Open(path)
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("state file %s: %w", path, err)
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("state file %s: %w", path, err)
	}
	return nil
}

func touchFD(int, time.Time) error { return errors.ErrUnsupported }
