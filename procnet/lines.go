package procnet

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// maxLineLength bounds one line of any source. The longest line the kernel
// writes in these files is a few hundred bytes; anything longer is damage.
const maxLineLength = 32 << 10

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
	sc.Buffer(make([]byte, maxLineLength), maxLineLength)
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
		return &ParseError{File: s.name, Line: s.line + 1, Err: fmt.Errorf("line longer than %d bytes", maxLineLength)}
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

const (
	allSpaces = 0x2020202020202020 // eight spaces read as one little-endian word
	allBang   = 0x2121212121212121 // eight '!', the first byte above every separator
	highBits  = 0x8080808080808080
)

// splitFields appends the blank-separated fields of line to dst. Spaces,
// tabs, carriage returns, vertical tabs and form feeds all separate
// fields.
func splitFields(line []byte, dst [][]byte) [][]byte {
	i, n := 0, len(line)
	for {
		for i = skipSpaces(line, i); i < n && fieldSep[line[i]]; i++ {
		}
		if i == n {
			return dst
		}
		start := i
		for i = skipNonBlank(line, i); i < n && !fieldSep[line[i]]; i++ {
		}
		dst = append(dst, line[start:i])
	}
}

// The kernel pads its columns with runs of spaces, and its fields are
// runs of printable bytes: skipSpaces and skipNonBlank step over eight
// bytes at a time where they can, for splitFields and the quick path of
// net/arp rows (arp_quick.go). Their callers finish byte by byte.

// skipSpaces returns the index of the first byte at or after i that is
// not a space.
func skipSpaces(b []byte, i int) int {
	for i+8 <= len(b) && binary.LittleEndian.Uint64(b[i:]) == allSpaces {
		i += 8
	}
	for i < len(b) && b[i] == ' ' {
		i++
	}
	return i
}

// skipNonBlank steps over whole words of bytes above 0x20 from i.
func skipNonBlank(b []byte, i int) int {
	for i+8 <= len(b) {
		w := binary.LittleEndian.Uint64(b[i:])
		if (w-allBang)&^w&highBits != 0 {
			break // a byte below 0x21 somewhere in the word
		}
		i += 8
	}
	return i
}
