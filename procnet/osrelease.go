package procnet

import (
	"bytes"
	"errors"
	"fmt"
	"os"
)

// KernelVersion is the running kernel's version from sys/kernel/osrelease.
type KernelVersion struct {
	Major, Minor, Patch int
	Release             string // the whole string, such as "6.1.0-13-amd64"
}

// AtLeast reports whether v is major.minor or newer.
func (v KernelVersion) AtLeast(major, minor int) bool {
	return v.Major > major || v.Major == major && v.Minor >= minor
}

// PermanentCountsAgainstLimit reports whether NUD_PERMANENT entries count
// against gc_thresh3: they did before Linux 5.0.
func (v KernelVersion) PermanentCountsAgainstLimit() bool { return !v.AtLeast(5, 0) }

// KernelVersion reads sys/kernel/osrelease.
func (fs FS) KernelVersion() (KernelVersion, error) {
	name := fs.Path("sys/kernel/osrelease")
	b, err := os.ReadFile(name)
	if err != nil {
		return KernelVersion{}, err
	}
	v, err := parseKernelRelease(string(bytes.TrimSpace(b)))
	if err != nil {
		return v, &ParseError{File: name, Line: 1, Err: err}
	}
	return v, nil
}

// parseKernelRelease parses "major.minor[.patch][anything]".
func parseKernelRelease(s string) (KernelVersion, error) {
	v := KernelVersion{Release: s}
	nums := [3]*int{&v.Major, &v.Minor, &v.Patch}
	i := 0
	for n := 0; n < 3; n++ {
		start := i
		val := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' && i-start < 6 {
			val = val*10 + int(s[i]-'0')
			i++
		}
		if i == start {
			if n < 2 {
				return v, fmt.Errorf("kernel release %q: %w", s, errors.New("want major.minor"))
			}
			break
		}
		*nums[n] = val
		if n == 2 || i >= len(s) || s[i] != '.' {
			if n == 0 {
				return v, fmt.Errorf("kernel release %q: %w", s, errors.New("want major.minor"))
			}
			break
		}
		i++
	}
	return v, nil
}
