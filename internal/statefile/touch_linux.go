package statefile

import (
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// touchFD is futimens(2): utimensat on the descriptor itself (a NULL
// path), which x/sys/unix does not wrap (its Futimes goes through
// /proc/self/fd).
func touchFD(fd int, t time.Time) error {
	ts := [2]unix.Timespec{unix.NsecToTimespec(t.UnixNano()), unix.NsecToTimespec(t.UnixNano())}
	_, _, errno := unix.Syscall6(unix.SYS_UTIMENSAT, uintptr(fd), 0, uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}
