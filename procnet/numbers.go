package procnet

import (
	"errors"
	"strconv"
)

var (
	errNumberSyntax = errors.New("invalid number")
	errNumberRange  = errors.New("number out of range")
)

// parseHex parses upper- or lower-case hex digits without a prefix into a
// value of at most bits bits.
func parseHex(b []byte, bits int) (uint64, error) {
	if len(b) == 0 {
		return 0, errNumberSyntax
	}
	var v uint64
	for _, c := range b {
		d, ok := hexDigit(c)
		if !ok {
			return 0, errNumberSyntax
		}
		if v>>60 != 0 {
			return 0, errNumberRange
		}
		v = v<<4 | uint64(d)
	}
	if bits < 64 && v>>uint(bits) != 0 {
		return 0, errNumberRange
	}
	return v, nil
}

// hexDigit returns the value of an upper- or lower-case hex digit.
func hexDigit(c byte) (byte, bool) {
	d := hexValue[c]
	return d, d < 16
}

// hexValue maps a hex digit to its value and every other byte to 0xff.
var hexValue = func() (t [256]byte) {
	for c := range t {
		t[c] = 0xff
	}
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c - '0'
	}
	for c := byte('a'); c <= 'f'; c++ {
		t[c], t[c-'a'+'A'] = c-'a'+10, c-'a'+10
	}
	return t
}()

// parseDec parses unsigned decimal digits into a value of at most bits bits.
func parseDec(b []byte, bits int) (uint64, error) {
	if len(b) == 0 {
		return 0, errNumberSyntax
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, errNumberSyntax
		}
		d := uint64(c - '0')
		if v > (1<<64-1-d)/10 {
			return 0, errNumberRange
		}
		v = v*10 + d
	}
	if bits < 64 && v>>uint(bits) != 0 {
		return 0, errNumberRange
	}
	return v, nil
}

// parseBase0 parses a number the way strconv does with base 0 for the
// forms the kernel prints: "0x"-prefixed hex, or decimal.
func parseBase0(b []byte, bits int) (uint64, error) {
	if len(b) > 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X') {
		return parseHex(b[2:], bits)
	}
	return parseDec(b, bits)
}

func numberError(what string, b []byte, err error) error {
	return &numError{what: what, text: string(b), err: err}
}

type numError struct {
	what, text string
	err        error
}

func (e *numError) Error() string {
	return e.what + " " + strconv.Quote(e.text) + ": " + e.err.Error()
}

func (e *numError) Unwrap() error { return e.err }
