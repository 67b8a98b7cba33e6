//go:build unix && !linux

package statefile

import (
	"time"

	"golang.org/x/sys/unix"
)

// touchFD is futimes(2) on the descriptor.
func touchFD(fd int, t time.Time) error {
	tv := unix.NsecToTimeval(t.UnixNano())
	return unix.Futimes(fd, []unix.Timeval{tv, tv})
}
