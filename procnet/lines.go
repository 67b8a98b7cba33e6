package procnet

import (
	"bufio"
	"encoding/binary"
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
	if !s.nextLine() {
		return false
	}
	s.split()
	return true
}

// nextLine advances to the next line without splitting it, for a caller
// with a faster path for the common line; split does the rest.
func (s *lineScanner) nextLine() bool {
	if !s.sc.Scan() {
		return false
	}
	s.line++
	return true
}

// split splits the current line into fields.
func (s *lineScanner) split() { s.fields = splitFields(s.sc.Bytes(), s.fields[:0]) }

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

// fieldSep marks the bytes that separate fields: space, tab, carriage
// return, vertical tab and form feed.
var fieldSep = [256]bool{' ': true, '\t': true, '\r': true, '\v': true, '\f': true}

// allSpaces is eight spaces read as one little-endian word.
const allSpaces = 0x2020202020202020

// splitFields appends the blank-separated fields of line to dst. Spaces,
// tabs, carriage returns, vertical tabs and form feeds all separate
// fields. It reads eight bytes at a time where it can: the kernel pads
// columns with runs of spaces, and fields are runs of printable bytes.
func splitFields(line []byte, dst [][]byte) [][]byte {
	i, n := 0, len(line)
	for {
		for i+8 <= n && binary.LittleEndian.Uint64(line[i:]) == allSpaces {
			i += 8
		}
		for i < n && fieldSep[line[i]] {
			i++
		}
		if i == n {
			return dst
		}
		start := i
		// Step over words holding no byte <= ' ' (every separator is
		// one), then find the field's end byte by byte.
		for i+8 <= n {
			w := binary.LittleEndian.Uint64(line[i:])
			if (w-0x2121212121212121)&^w&0x8080808080808080 != 0 {
				break
			}
			i += 8
		}
		for i < n && !fieldSep[line[i]] {
			i++
		}
		dst = append(dst, line[start:i])
	}
}
