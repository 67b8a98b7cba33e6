package checkrun

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/internal/version"
)

type flagsForTest struct {
	Warning string `short:"w" long:"warning"`
	Version bool   `long:"version" description:"print the version and exit"`
}

func testCheck(run func() *checkers.Checker) Check {
	return Check{Program: "check-test", Name: "TEST", Parse: func(args []string) (func() *checkers.Checker, error) {
		var f flagsForTest
		if err := Parse("check-test", "[OPTIONS]\n\nTests.\n\n", &f, args); err != nil {
			return nil, err
		}
		if f.Warning == "bad" {
			return nil, errors.New("--warning: bad\nvalue")
		}
		return run, nil
	}}
}

func TestMainPrintsOneResultLine(t *testing.T) {
	ok := func() *checkers.Checker { return checkers.Ok("fine") }
	tests := []struct {
		name       string
		run        func() *checkers.Checker
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{"result", func() *checkers.Checker { return checkers.Warning("two\nlines") }, nil, 1, "TEST WARNING: two lines\n", ""},
		{"help on stdout, exit 0", ok, []string{"-h"}, 0, "~Usage:\n  check-test [OPTIONS]\n\nTests.\n", ""},
		{"version names the program", ok, []string{"--version"}, 0, "check-test " + version.Version + "\n", ""},
		{"version before a bad flag value is checked", ok, []string{"--version", "-w", "bad"}, 0, "check-test " + version.Version + "\n", ""},
		{"flag error", ok, []string{"-x"}, 3, "TEST UNKNOWN: unknown flag \"x\"\n", "check-test --help lists the flags.\n"},
		{"validation error", ok, []string{"-w", "bad"}, 3, "TEST UNKNOWN: --warning: bad value\n", "check-test --help lists the flags.\n"},
		{"panic", func() *checkers.Checker { panic("boom") }, nil, 3, "TEST UNKNOWN: internal error: boom\n", ""},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := Main(testCheck(tt.run), tt.args, &stdout, &stderr)
		stdoutOK := stdout.String() == tt.wantStdout
		if want, ok := strings.CutPrefix(tt.wantStdout, "~"); ok {
			stdoutOK = strings.HasPrefix(stdout.String(), want) && !strings.HasSuffix(stdout.String(), "\n\n")
		}
		if code != tt.wantCode || !stdoutOK || stderr.String() != tt.wantStderr {
			t.Errorf("%s: Main = %d, stdout %q, stderr %q; want %d, %q, %q", tt.name, code, stdout.String(), stderr.String(), tt.wantCode, tt.wantStdout, tt.wantStderr)
		}
	}
}
