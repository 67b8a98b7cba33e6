package procnet

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// MaxLineLength bounds one line of any source. The longest line the kernel
// writes in these files is a few hundred bytes; anything longer is damage.
const MaxLineLength = 32 << 10

// lineScanner streams a source line by line through one buffer, splits
// each line into fields without allocating and keeps the line number for
// errors.
type lineScanner struct {
	sc     *bufio.Scanner
	name   string
	line   int
	fields [][]byte
}

func newLineScanner(r io.Reader, name string) *lineScanner {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, MaxLineLength), MaxLineLength)
	return &lineScanner{sc: sc, name: name, fields: make([][]byte, 0, 16)}
}

// next advances to the next line and splits it into fields. It returns
// false at the end of input or on a read error (see err).
func (s *lineScanner) next() bool {
	if !s.sc.Scan() {
		return false
	}
	s.line++
	s.fields = splitFields(s.sc.Bytes(), s.fields[:0])
	return true
}

// err returns the read error that stopped next, if any, with the file and
// the line it happened on.
func (s *lineScanner) err() error {
	err := s.sc.Err()
	if err == nil {
		return nil
	}
	if errors.Is(err, bufio.ErrTooLong) {
		return &ParseError{File: s.name, Line: s.line + 1, Err: fmt.Errorf("line longer than %d bytes", MaxLineLength)}
	}
	return &ParseError{File: s.name, Line: s.line + 1, Err: err}
}

// errorf returns a *ParseError for the current line.
func (s *lineScanner) errorf(format string, args ...any) error {
	return &ParseError{File: s.name, Line: s.line, Err: fmt.Errorf(format, args...)}
}

// text returns the current line, for error messages.
func (s *lineScanner) text() []byte { return s.sc.Bytes() }

// splitFields appends the blank-separated fields of line to dst. Spaces,
// tabs and carriage returns all separate fields.
func splitFields(line []byte, dst [][]byte) [][]byte {
	start := -1
	for i, c := range line {
		if c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' {
			if start >= 0 {
				dst = append(dst, line[start:i])
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		dst = append(dst, line[start:])
	}
	return dst
}
