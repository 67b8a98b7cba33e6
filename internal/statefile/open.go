package statefile

import (
	"os"
	"time"
)

// Open opens the state file at path for reading. Every read of a state
// goes through it; a caller reads at most maxSize bytes of what it
// returns (io.LimitReader). An absent file is an error for which
// errors.Is(err, fs.ErrNotExist) holds.
//
// TODO(issue 28): O_NOFOLLOW|O_NONBLOCK, fstat checks (regular, owned by
// the effective uid, one link, size <= maxSize), ErrUntrusted.
func Open(path string, maxSize int64) (*os.File, error) {
	return os.Open(path)
}

// Touch sets the state file's access and modification times to t, on the
// descriptor f returned by Open (never on the path).
//
// TODO(issue 28): futimes on the descriptor.
func Touch(f *os.File, t time.Time) error {
	return os.Chtimes(f.Name(), t, t)
}
