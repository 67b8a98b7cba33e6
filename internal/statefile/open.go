package statefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"
)

// ErrUntrusted is what Open and WriteAtomic wrap when the state file or
// its directory is not one this user can trust: another user's, a link, a
// FIFO, a directory, hard-linked, too large, or in a directory others may
// write. Such a file is no memory.
var ErrUntrusted = errors.New("not trusted")

// untrustedError names the file and why it is not trusted.
type untrustedError struct {
	what, path, reason string
}

func (e *untrustedError) Error() string {
	return e.what + " " + e.path + " " + e.reason + ": not trusted"
}
func (e *untrustedError) Unwrap() error { return ErrUntrusted }

// untrusted is the error for the state file path.
func untrusted(path, format string, args ...any) error {
	return &untrustedError{what: "state file", path: path, reason: fmt.Sprintf(format, args...)}
}

// untrustedDir is the error for the state directory path.
func untrustedDir(path, format string, args ...any) error {
	return &untrustedError{what: "state directory", path: path, reason: fmt.Sprintf(format, args...)}
}

// TraceEnv, when set to 1 in the environment, makes Open write one line
// per call to stderr: "statefile: open PATH: ok", "...: absent" or
// "...: refused: REASON". The end-to-end tests count the reads of a state
// with it in the very binaries that ship; nothing else sets it.
const TraceEnv = "PROCNET_STATEFILE_TRACE"

// Open opens the state file at path for reading. Every read of a state
// goes through it; a caller reads at most maxSize bytes of what it
// returns (io.LimitReader). An absent file is an error for which
// errors.Is(err, fs.ErrNotExist) holds.
//
// It never blocks and never follows a link: the file is opened with
// O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC relative to its checked directory
// (openDir), and must be a regular file owned by the effective user, with
// one link and at most maxSize bytes. Anything else is an error wrapping
// ErrUntrusted that names the file and the reason.
func Open(path string, maxSize int64) (*os.File, error) {
	f, err := open(path, maxSize)
	if os.Getenv(TraceEnv) == "1" {
		switch {
		case err == nil:
			fmt.Fprintf(os.Stderr, "statefile: open %s: ok\n", path)
		case errors.Is(err, fs.ErrNotExist):
			fmt.Fprintf(os.Stderr, "statefile: open %s: absent\n", path)
		default:
			fmt.Fprintf(os.Stderr, "statefile: open %s: refused: %v\n", path, err)
		}
	}
	return f, err
}

// Touch sets the state file's access and modification times to t, on the
// descriptor f returned by Open (never on the path, which may be another
// file by now).
func Touch(f *os.File, t time.Time) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return fmt.Errorf("state file %s: %w", f.Name(), err)
	}
	var terr error
	if err := rc.Control(func(fd uintptr) { terr = touchFD(int(fd), t) }); err != nil {
		return fmt.Errorf("state file %s: %w", f.Name(), err)
	}
	if terr != nil {
		return fmt.Errorf("state file %s: setting its time: %w", f.Name(), terr)
	}
	return nil
}

// Unusable is the error of a run whose state was refused (refused, from
// Open) and, when saveErr is not nil, could not be replaced either
// (saveErr, from WriteAtomic). It names the state file and the reasons,
// each once.
func Unusable(path string, refused, saveErr error) error {
	msg := refused.Error()
	if !strings.Contains(msg, path) {
		msg = "state file " + path + ": " + msg
	}
	if saveErr != nil && !strings.Contains(saveErr.Error(), refused.Error()) {
		msg += "; it cannot be replaced: " + saveErr.Error()
	}
	return &unusableError{msg: msg, refused: refused}
}

type unusableError struct {
	msg     string
	refused error
}

func (e *unusableError) Error() string { return e.msg }
func (e *unusableError) Unwrap() error { return e.refused }
