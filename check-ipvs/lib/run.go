// Package checkipvs is the check-ipvs plugin: it alerts when an IPVS real
// server is taken out of rotation (weight 0) or a service has too few
// available real servers, reading net/ip_vs through procnet.
package checkipvs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/internal/checkrun"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// Main runs the check with the command-line arguments (without the program
// name) and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	return checkrun.Main(checkrun.Check{Program: programName, Name: checkerName, Parse: prepare}, args, stdout, stderr)
}

// prepare parses the arguments into the run of the check.
func prepare(args []string) (func() *checkers.Checker, error) {
	opts, err := parseOptions(args)
	if err != nil {
		return nil, err
	}
	return func() *checkers.Checker { return run(opts) }, nil
}

// run reads net/ip_vs and evaluates it.
func run(opts options) *checkers.Checker {
	procfs := procnet.NewFS(opts.ProcfsRoot)
	e := newEvaluation(opts)
	if err := procfs.WalkIPVS(e.add); err != nil {
		return checkers.Unknown(readFailure(procfs, err))
	}
	v := e.result()
	msg := formatVerdict(v)
	if opts.SyncDaemon == "" {
		return checkers.NewChecker(v.Status, msg)
	}
	st, dmsg := checkSyncDaemon(opts.SyncDaemon, readSyncDaemons)
	return checkers.NewChecker(max(v.Status, st), msg+"; "+dmsg)
}

// readFailure explains why net/ip_vs could not be read.
func readFailure(procfs procnet.FS, err error) string {
	path := procfs.Path(procnet.IPVSFile)
	var parseErr *procnet.ParseError
	var pathErr *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, statErr := os.Stat(procfs.Root()); errors.Is(statErr, fs.ErrNotExist) {
			return fmt.Sprintf("procfs root %s not found", procfs.Root())
		}
		return fmt.Sprintf("%s not found: the ip_vs module is not loaded, or the file is hidden from this process (in a container, mount the host's /proc and set --procfs-root or HOST_PROC)", path)
	case errors.As(err, &pathErr): // also a read error inside a ParseError
		return fmt.Sprintf("cannot read %s: %v", path, pathErr.Err)
	case errors.As(err, &parseErr):
		return "cannot parse " + parseErr.Error()
	}
	return fmt.Sprintf("cannot read %s: %v", path, err)
}
