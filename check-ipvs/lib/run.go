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
	"strings"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/internal/checkflags"
	"github.com/procnet/mackerel-plugin-proc-net/internal/version"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// Main runs the check with the command-line arguments (without the program
// name) and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) (status int) {
	// A stack trace means nothing to the agent; an UNKNOWN names the fault.
	defer func() {
		if r := recover(); r != nil {
			status = report(stdout, checkers.Unknown(fmt.Sprintf("internal error: %v", r)))
		}
	}()
	opts, err := parseOptions(args)
	var help *checkflags.HelpRequest
	switch {
	case errors.As(err, &help):
		fmt.Fprint(stdout, strings.TrimRight(help.Usage, "\n")+"\n")
		return 0
	case err != nil:
		fmt.Fprintln(stderr, "check-ipvs --help lists the flags.")
		return report(stdout, checkers.Unknown(err.Error()))
	case opts.Version:
		fmt.Fprintln(stdout, version.Version)
		return 0
	}
	return report(stdout, run(opts))
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

// report prints the one-line result and returns its exit status.
func report(w io.Writer, ckr *checkers.Checker) int {
	ckr.Name = checkerName
	ckr.Message = boundMessage(ckr.Status, ckr.Message)
	fmt.Fprintln(w, ckr.String())
	return int(ckr.Status)
}
