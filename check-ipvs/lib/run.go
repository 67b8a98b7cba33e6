// Package checkipvs is the check-ipvs plugin: it alerts when an IPVS real
// server is taken out of rotation (weight 0, or removed from the table)
// or a service has too few available real servers or too little of its
// weight left, reading net/ip_vs through procnet and remembering the
// pools in a state file.
package checkipvs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/internal/checkrun"
	"github.com/procnet/mackerel-plugin-proc-net/internal/statefile"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// Main runs the check with the command-line arguments (without the program
// name) and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	parse := func(args []string) (func() *checkers.Checker, error) { return prepare(args, stderr) }
	return checkrun.Main(checkrun.Check{Program: programName, Name: checkerName, Parse: parse}, args, stdout, stderr)
}

// prepare parses the arguments into the run of the check.
func prepare(args []string, stderr io.Writer) (func() *checkers.Checker, error) {
	opts, err := parseOptions(args)
	if err != nil {
		return nil, err
	}
	return func() *checkers.Checker {
		return run(opts, runEnv{now: time.Now(), readSyncDaemons: readSyncDaemons, stderr: stderr})
	}, nil
}

// runEnv is what a run takes from outside its options.
type runEnv struct {
	now time.Time
	// readSyncDaemons asks the kernel of the namespace ns (nil: the
	// check's own).
	readSyncDaemons func(ns *procnet.NetNS) ([]procnet.IPVSSyncDaemon, error)
	stderr          io.Writer
	// openTable opens the table to read (nil: procnet's, from the files,
	// confirming over netlink when it can).
	openTable func(procfs procnet.FS) (ipvsTable, error)
}

// ipvsTable is what a run reads: the table, and the services it missed,
// again (procnet.IPVSTable).
type ipvsTable interface {
	WalkFile(fn func(*procnet.Service) error) error
	Confirm(ids []procnet.IPVSServiceID, fn func(*procnet.Service, *procnet.IPVSCounters, []procnet.IPVSCounters) error) (how string, err error)
	Close() error
}

func openTable(procfs procnet.FS) (ipvsTable, error) {
	return procnet.OpenIPVS(procfs, procnet.SourceProcfs, "")
}

// defaultStatePath is one state file per network namespace (netnsID, ""
// for the check's own) and procfs root, whatever the thresholds: the
// pools belong to the director.
func defaultStatePath(root, netnsID string) string {
	return statefile.DefaultPathIn(programName, []string{"--procfs-root=" + root}, netnsID)
}

// run reads net/ip_vs, matches it with the remembered pools and judges;
// with --sync-daemon it also asks the kernel for the sync daemons.
func run(opts options, env runEnv) *checkers.Checker {
	procfs, err := procnet.OpenFSWith(opts.ProcfsRoot, opts.NetNS, procnet.NetNSOptions{ForeignUserNS: opts.NetNSForeignUserNS})
	if err != nil {
		return checkers.Unknown(err.Error())
	}
	vips := map[netip.Addr]bool{}
	if opts.SyncDaemon == syncDaemonAuto {
		open := env.openTable
		if open == nil {
			open = openTable
		}
		env.openTable = recordingVIPs(open, vips)
	}
	v, floor, notes, err := evaluateTable(procfs, opts, env)
	if err != nil {
		return checkers.Unknown(readFailure(procfs, err))
	}
	nameOffenders(v.Offenders, opts.Names)
	st := checkrun.Worst(v.Status, floor)
	// What makes the status worse than the table's verdict leads the line.
	var lead, tail []string
	place := func(s checkers.Status, text string) {
		if s != v.Status && checkrun.Worst(s, v.Status) == s {
			lead = append(lead, text)
		} else {
			tail = append(tail, text)
		}
	}
	if opts.SyncDaemon != "" {
		read := func() ([]procnet.IPVSSyncDaemon, error) { return env.readSyncDaemons(procfs.NetNS()) }
		var dst checkers.Status
		var dmsg string
		if opts.SyncDaemon == syncDaemonAuto {
			dst, dmsg = checkSyncDaemonAuto(vips, procfs.InterfaceAddrs, read)
		} else {
			dst, dmsg = checkSyncDaemon(opts.SyncDaemon, read)
		}
		st = checkrun.Worst(st, dst)
		place(dst, dmsg)
	}
	if !opts.NoDefense {
		dst, dmsg := checkDefense(procfs.IPVSDefense, procfs.DefenseMemory)
		st = checkrun.Worst(st, dst)
		if dmsg != "" {
			place(dst, dmsg)
		}
	}
	for _, n := range notes {
		place(floor, n)
	}
	return checkers.NewChecker(st, formatVerdict(v, st, strings.Join(lead, offenderSep), strings.Join(tail, offenderSep)))
}

// evaluateTable reads the table, confirms every absence, recalls the
// memory, judges, remembers, and returns the verdict with notes for the
// result line and the least status they call for (a check that cannot
// keep its memory is at least WARNING: it would miss the next removal).
//
// The usual run, on a table that is what the memory describes, reads the
// table once and the state's first line, and only touches the state.
// Otherwise (a change of the pools, a real server or service to forget or
// to let go after --forget-after, no usable memory) it reads the whole
// memory, the table again, confirms with a targeted read each service the
// memory or the flags expect that the read missed, and writes the new
// memory.
func evaluateTable(procfs procnet.FS, opts options, env runEnv) (verdict, checkers.Status, []string, error) {
	path := opts.StateFile
	if path == "" {
		path = defaultStatePath(procfs.Root(), procfs.NetNS().ID())
	}
	open := env.openTable
	if open == nil {
		open = openTable
	}
	table, err := open(procfs)
	if err != nil {
		return verdict{}, checkers.OK, nil, err
	}
	defer table.Close()
	store := recallMemory(path, procfs.Root())
	defer store.close()

	if store.usable() {
		e := newEvaluationWith(opts, store.memory(), env.now, nil)
		if err := table.WalkFile(e.add); err != nil {
			return verdict{}, checkers.OK, nil, err
		}
		if e.hash.String() == store.pool() && len(e.toConfirm()) == 0 && !opts.forgetting() && !anyExpired(store.memory(), env.now, opts.ForgetAfter) {
			e.close()
			st, notes := store.touch(env.now)
			return e.result(), st, notes, nil
		}
		store.recallWhole()
	}
	next := store.next()
	e := newEvaluationWith(opts, store.memory(), env.now, next)
	if err := table.WalkFile(e.add); err != nil {
		return verdict{}, checkers.OK, nil, err
	}
	if _, err := table.Confirm(e.toConfirm(), e.confirmed); err != nil {
		return verdict{}, checkers.OK, nil, err
	}
	e.close()
	v := e.result()
	for _, name := range e.forgotten {
		fmt.Fprintf(env.stderr, "%s: forgot the removed %s (state %s)\n", programName, name, path)
	}
	if opts.forgetting() && len(e.forgotten) == 0 {
		fmt.Fprintf(env.stderr, "%s: nothing removed to forget (state %s)\n", programName, path)
	}
	st, notes := store.save(e.hash.String(), next)
	if err := store.replacedUntrusted(); err != nil {
		fmt.Fprintf(env.stderr, "%s: %v, replaced\n", programName, err)
	}
	return v, st, notes, nil
}

// anyExpired reports whether a removed real server or service of mem is
// due to be forgotten, which rewrites the memory.
func anyExpired(mem memory, now time.Time, keep time.Duration) bool {
	for _, mbs := range mem.services {
		for _, mb := range mbs {
			if expired(mb, now, keep) {
				return true
			}
		}
	}
	for _, t := range mem.removedServices {
		if serviceExpired(t, now, keep) {
			return true
		}
	}
	return false
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
		if procfs.NetNS() != nil {
			// Every namespace has the file once the module is loaded.
			return fmt.Sprintf("%s not found: the ip_vs module is not loaded", path)
		}
		return fmt.Sprintf("%s not found: the ip_vs module is not loaded, or the file is hidden from this process (in a container, mount the host's /proc and set --procfs-root or HOST_PROC)", path)
	case errors.As(err, &pathErr): // also a read error inside a ParseError
		return fmt.Sprintf("cannot read %s: %v", path, pathErr.Err)
	case errors.As(err, &parseErr):
		return "cannot parse " + parseErr.Error()
	}
	return fmt.Sprintf("cannot read %s: %v", path, err)
}
