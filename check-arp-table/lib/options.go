package checkarptable

import (
	"errors"
	"fmt"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/checkrun"
	"github.com/procnet/mackerel-plugin-proc-net/internal/statefile"
	"github.com/procnet/mackerel-plugin-proc-net/internal/threshold"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

const programName = "check-arp-table"

// options is the validated command line.
type options struct {
	// Warning and Critical are entry counts, or percentages of gc_thresh3.
	Warning, Critical threshold.Threshold
	ProcfsRoot        string // "" means $HOST_PROC, else /proc
	// GCThresh3 is the user's limit; 0 means read it from the kernel.
	GCThresh3 uint64
	Family    procnet.Family
	// StateFile is where table_fulls is kept; "" (with NetNS only) means
	// the default of that namespace, known once it is open.
	StateFile string
	// NetNS names the network namespace to read: a name from `ip netns`
	// or a path; "" is the check's own.
	NetNS string
	// NetNSForeignUserNS reads a namespace owned by another user namespace
	// than the check's own (--netns-foreign-userns).
	NetNSForeignUserNS bool
	// Window is how long an overflow keeps the check CRITICAL.
	Window time.Duration
}

var (
	defaultWarning  = threshold.Threshold{Value: 80, Percent: true}
	defaultCritical = threshold.Threshold{Value: 90, Percent: true}
)

// flagValues is what go-flags fills in before validation.
type flagValues struct {
	Warning    string  `short:"w" long:"warning" value-name:"N|N%" default:"80%" description:"WARNING at this many entries, or this percentage of gc_thresh3"`
	Critical   string  `short:"c" long:"critical" value-name:"N|N%" default:"90%" description:"CRITICAL at this many entries, or this percentage of gc_thresh3"`
	Family     string  `long:"family" value-name:"inet|inet6" default:"inet" description:"neighbour table: inet (arp_cache) or inet6 (ndisc_cache)"`
	GCThresh3  *uint64 `long:"gc-thresh3" value-name:"N" description:"the table limit to compare with, instead of the kernel's (needed in a container without rtnetlink)"`
	ProcfsRoot string  `long:"procfs-root" value-name:"DIR" description:"procfs root to read (default: $HOST_PROC, else /proc); rtnetlink is used only with /proc"`
	NetNS      string  `long:"netns" value-name:"NAME|PATH" description:"read the neighbour entries of this network namespace, as run inside it: a name from ip netns (in /var/run/netns) or a path such as /var/run/docker/netns/ingress_sbox or /proc/PID/ns/net (needs root); the table's size and limits are global"`
	Window     string  `long:"window" value-name:"DURATION" default:"5m" description:"CRITICAL while the kernel refused entries within this long (1s to 24h), as every check definition of the table sees them"`
	StateFile  string  `long:"state-file" value-name:"FILE" description:"where the table_fulls count of the previous run is kept (default: a file in a directory of this user's own under $MACKEREL_PLUGIN_WORKDIR, else /var/tmp/mackerel-agent where it exists, else the temp dir)"`
	Version    bool    `long:"version" description:"print the version and exit"`

	// Off by default: --netns refuses a namespace that any user can make.
	NetNSForeignUserNS bool `long:"netns-foreign-userns" description:"read a --netns namespace even when a user namespace other than this process's own owns it (any user can make one: unshare -Urn); by default such a namespace is refused"`
}

const usageText = `[OPTIONS]

Warns before the kernel's neighbour table fills up. The count is the
global "entries" of net/stat/arp_cache (ndisc_cache for inet6); at the
warning level, on Linux 5.0 and newer, this namespace's permanent and
externally learned entries are taken out of it (counted from an rtnetlink
dump, else from the rows of net/arp), as the kernel does not count them
against gc_thresh3. CRITICAL, whatever the count, while the kernel
refused entries (table_fulls grew) within --window: every definition of
the same table sees the same overflows, and the alert holds for the
window. In a container, where those files are hidden, the table is asked
over rtnetlink; failing that, the rows of net/arp are counted against
--gc-thresh3.

Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (nothing usable to
read, or a wrong flag).`

// parseOptions parses and validates the arguments (without the program
// name).
func parseOptions(args []string) (options, error) {
	var fv flagValues
	if err := checkrun.Parse(programName, usageText, &fv, args); err != nil {
		return options{}, err
	}
	opts := options{ProcfsRoot: fv.ProcfsRoot, StateFile: fv.StateFile, NetNS: fv.NetNS, NetNSForeignUserNS: fv.NetNSForeignUserNS}
	var err error
	if opts.Warning, err = threshold.ParseFlag("--warning", fv.Warning); err != nil {
		return options{}, err
	}
	if opts.Critical, err = threshold.ParseFlag("--critical", fv.Critical); err != nil {
		return options{}, err
	}
	if err := threshold.CheckOrder(threshold.Above, opts.warningNamed(), opts.criticalNamed()); err != nil {
		return options{}, err
	}
	if opts.Window, err = parseWindow(fv.Window); err != nil {
		return options{}, err
	}
	if opts.Family, err = procnet.ParseFamily(fv.Family); err != nil {
		return options{}, fmt.Errorf("--family: %w", err)
	}
	if fv.GCThresh3 != nil {
		if *fv.GCThresh3 == 0 {
			return options{}, errors.New("--gc-thresh3 must be at least 1")
		}
		opts.GCThresh3 = *fv.GCThresh3
	}
	if opts.StateFile == "" && opts.NetNS == "" {
		opts.StateFile = defaultStateFile(opts, "")
	}
	return opts, nil
}

// parseWindow takes a Go duration ("10m", "1h30m") from a second to
// maxWindow, the history the state keeps.
func parseWindow(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Second || d > maxWindow {
		return 0, fmt.Errorf("--window %q: want a duration from 1s to 24h, such as 10m", s)
	}
	return d, nil
}

func (o options) warningNamed() threshold.Named {
	return threshold.Named{Flag: "--warning", Threshold: o.Warning}
}

func (o options) criticalNamed() threshold.Named {
	return threshold.Named{Flag: "--critical", Threshold: o.Critical}
}

// defaultStateFile is one state file per family, procfs root and network
// namespace (netnsID, "" for the check's own): keyed by what selects the
// table, not by the thresholds, since changing -w must not forget the
// previous table_fulls.
func defaultStateFile(opts options, netnsID string) string {
	return statefile.DefaultPathIn(programName, []string{"--family=" + opts.Family.String(), "--procfs-root=" + procnet.NewFS(opts.ProcfsRoot).Root()}, netnsID)
}
