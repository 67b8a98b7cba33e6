package checkipvs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/internal/statefile"
)

// memoryStore is the memory's one way to its state file: it recalls the
// memory (the header, or the whole), marks a run on an unchanged table,
// and saves the next memory. Nothing else touches the file. A memory it
// cannot keep is a note and at least WARNING: the next removal would be
// missed.
type memoryStore struct {
	path, root string
	rem        remembered
	err        error // why there is no memory: errNoMemory, or the file is unusable
	saved      bool  // the next memory replaced the file
}

// recallMemory opens the state and reads its header: the memory a run on
// an unchanged table needs.
func recallMemory(path, root string) *memoryStore {
	s := &memoryStore{path: path, root: root}
	s.rem, s.err = readState(path, root, false)
	return s
}

// usable reports whether there is a memory to match the table with.
func (s *memoryStore) usable() bool { return s.err == nil }

// memory is what was recalled.
func (s *memoryStore) memory() memory { return s.rem.mem }

// pool is the remembered fingerprint of the table.
func (s *memoryStore) pool() string { return s.rem.pool }

// recallWhole reads the whole memory, for a run that rewrites it.
func (s *memoryStore) recallWhole() {
	s.rem.close()
	s.rem, s.err = readState(s.path, s.root, true)
}

// next is an empty memory to fill, sized after the last one.
func (s *memoryStore) next() *pool {
	return &pool{body: make([]byte, 0, s.rem.size+s.rem.size/8)}
}

// touch marks the memory as seen whole at now.
func (s *memoryStore) touch(now time.Time) (checkers.Status, []string) {
	if err := touchState(s.rem.f, now); err != nil {
		return checkers.WARNING, []string{fmt.Sprintf("state file %s not touched (%v): removals may be missed", s.path, cause(err))}
	}
	return checkers.OK, nil
}

// save replaces the state with the next memory, fingerprinted hash.
//
// A state refused as untrusted (another user's, a link, a FIFO...) that
// cannot be replaced either leaves the check without a memory it can
// trust from run to run: UNKNOWN, naming the file and both reasons.
func (s *memoryStore) save(hash string, next *pool) (checkers.Status, []string) {
	err := writeState(s.path, s.root, hash, next)
	if err == nil {
		s.saved = true
		return checkers.OK, nil
	}
	if errors.Is(s.err, statefile.ErrUntrusted) {
		return checkers.UNKNOWN, []string{statefile.Unusable(s.path, s.err, err).Error()}
	}
	what := fmt.Sprintf("state file %s not saved (%v)", s.path, cause(err))
	if s.err != nil && !errors.Is(s.err, errNoMemory) {
		what = fmt.Sprintf("state file %s unusable (%v) and not replaced (%v)", s.path, cause(s.err), cause(err))
	}
	return checkers.WARNING, []string{what + ": removals are not remembered"}
}

// replacedUntrusted is why the state was not trusted, when this run
// replaced it; else nil.
func (s *memoryStore) replacedUntrusted() error {
	if s.saved && errors.Is(s.err, statefile.ErrUntrusted) {
		return s.err
	}
	return nil
}

func (s *memoryStore) close() { s.rem.close() }

// cause is the innermost reason of a file operation's error, such as
// "permission denied", for a message that names the file once.
func cause(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &le):
		return le.Err
	case errors.As(err, &pe):
		return pe.Err
	}
	return err
}
