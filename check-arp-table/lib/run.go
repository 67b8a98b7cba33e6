package checkarptable

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/internal/checkrun"
	"github.com/procnet/mackerel-plugin-proc-net/internal/statefile"
	"github.com/procnet/mackerel-plugin-proc-net/internal/threshold"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// Main runs the check with the arguments (without the program name),
// prints the result and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	return checkrun.Main(checkrun.Check{Program: programName, Name: "ARP-TABLE", Parse: prepare}, args, stdout, stderr)
}

// prepare parses the arguments into the run of the check.
func prepare(args []string) (func() *checkers.Checker, error) {
	opts, err := parseOptions(args)
	if err != nil {
		return nil, err
	}
	return func() *checkers.Checker {
		c := openAndRun(opts)
		c.Name = checkName(opts.Family)
		return c
	}, nil
}

// openAndRun opens the procfs root (in --netns) and runs the check on it.
func openAndRun(opts options) *checkers.Checker {
	fs, err := procnet.OpenFSWith(opts.ProcfsRoot, opts.NetNS, procnet.NetNSOptions{ForeignUserNS: opts.NetNSForeignUserNS})
	if err != nil {
		return checkers.Unknown(err.Error())
	}
	if opts.StateFile == "" {
		opts.StateFile = defaultStateFile(opts, fs.NetNS().ID())
	}
	return run(opts, newSources(fs), bootID(fs), time.Now())
}

// checkName is the result line's first word: what is checked. IPv6's
// neighbour table is the Neighbor Discovery Protocol's, ndisc_cache.
func checkName(f procnet.Family) string {
	if f == procnet.Inet6 {
		return "NDP-TABLE"
	}
	return "ARP-TABLE"
}

// run reads the table, refines the count at the warning level, tracks
// overflows and judges.
func run(opts options, src sources, bootID string, now time.Time) *checkers.Checker {
	r, err := src.read(opts.Family, opts.GCThresh3)
	if err != nil {
		return checkers.Unknown(err.Error())
	}
	if r.Thresh3 == 0 {
		return checkers.Unknown(fmt.Sprintf("gc_thresh3 is 0 in %s: not a usable limit, give --gc-thresh3", r.ThreshSource))
	}
	if err := threshold.CheckOrderOf(threshold.Above, opts.warningNamed(), opts.criticalNamed(), float64(r.Thresh3), "entries", "gc_thresh3"); err != nil {
		return checkers.Unknown(err.Error())
	}
	lv := levelsFor(opts.Warning, opts.Critical, r.Thresh3)
	// Only at the warning level is net/arp worth its cost.
	if lv.reachesWarning(r.Count) {
		src.refine(&r)
	}
	var o overflows
	if r.HasTableFulls {
		o = trackOverflows(opts.StateFile, opts.Family.String(), r.TableFulls, bootID, opts.Window, now)
		if o.Untrusted != nil && o.SaveErr != nil {
			return checkers.Unknown(statefile.Unusable(opts.StateFile, o.Untrusted, o.SaveErr).Error())
		}
	}
	return checkers.NewChecker(evaluate(r.Count, lv, o.InWindow), message(r, o))
}

// bootID names this boot of the live kernel, "" for a fixture tree.
func bootID(fs procnet.FS) string {
	if !fs.IsLive() {
		return ""
	}
	b, err := os.ReadFile(fs.Path("sys/kernel/random/boot_id"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
