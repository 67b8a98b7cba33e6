package procnet

import "fmt"

// ParseError tells which file and line could not be parsed, and why.
type ParseError struct {
	File string
	Line int // 1-based; 0 when the error concerns the file as a whole
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }
