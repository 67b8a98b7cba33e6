// Package checkrun is what the check plugins share, as metricout is for
// the metric plugins: flag parsing (-h on stdout with exit 0, --version,
// one-dash long flags), and one runner that prints the one result line
// within what the agent keeps, turns a flag error or a panic into UNKNOWN
// and returns the exit status.
package checkrun

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/internal/version"
)

// Check is one check plugin.
type Check struct {
	Program string // the binary's name, as --version prints it
	Name    string // the result line's first word, such as "IPVS"
	// Parse turns the arguments (without the program name) into the run
	// of the check; it parses its flags with checkrun.Parse.
	Parse func(args []string) (run func() *checkers.Checker, err error)
}

// Main runs c with args and returns the exit status.
func Main(c Check, args []string, stdout, stderr io.Writer) (status int) {
	// A stack trace means nothing to the agent; an UNKNOWN names the fault.
	defer func() {
		if r := recover(); r != nil {
			status = Report(stdout, c.Name, checkers.Unknown(fmt.Sprintf("internal error: %v", r)))
		}
	}()
	run, err := c.Parse(args)
	var help *HelpRequest
	var ver *VersionRequest
	switch {
	case errors.As(err, &help):
		fmt.Fprintln(stdout, strings.TrimRight(help.Usage, "\n"))
		return 0
	case errors.As(err, &ver):
		fmt.Fprintf(stdout, "%s %s\n", c.Program, version.Version)
		return 0
	case err != nil:
		fmt.Fprintf(stderr, "%s --help lists the flags.\n", c.Program)
		return Report(stdout, c.Name, checkers.Unknown(err.Error()))
	}
	return Report(stdout, c.Name, run())
}

// Report prints ckr as the one result line, named name unless the run
// named it (check-arp-table names the IPv6 table apart), and returns its
// exit status.
func Report(w io.Writer, name string, ckr *checkers.Checker) int {
	if ckr.Name == "" {
		ckr.Name = name
	}
	ckr.Message = Bound(ckr.Name, ckr.Status, ckr.Message)
	fmt.Fprintln(w, ckr.String())
	return int(ckr.Status)
}
