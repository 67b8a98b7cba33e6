package checkipvs

import (
	"github.com/procnet/mackerel-plugin-proc-net/internal/checkrun"
	"github.com/procnet/mackerel-plugin-proc-net/internal/threshold"
)

const programName = "check-ipvs"

// options is the parsed command line.
type options struct {
	// Services selects the services to check; empty means every service.
	// Each of them must be present.
	Services []serviceSpec
	// Expect names services that must be present; they are checked too.
	Expect []serviceSpec
	// Warning and Critical are the minimum number of available real
	// servers (weight > 0) per service, as a count or a percentage of the
	// service's real servers.
	Warning    threshold.Threshold
	Critical   threshold.Threshold
	ProcfsRoot string // "" means $HOST_PROC, else /proc
	// SyncDaemon is "master" or "backup": that IPVS sync daemon must run
	// (read over generic netlink). Empty means not checked.
	SyncDaemon string
}

// The defaults are the plain rules: every real server should be
// available (else WARNING), and at least one must be (else CRITICAL).
var (
	defaultWarning  = threshold.Threshold{Value: 100, Percent: true}
	defaultCritical = threshold.Threshold{Value: 1}
)

func defaultOptions() options {
	return options{Warning: defaultWarning, Critical: defaultCritical}
}

// flagValues is what go-flags fills in before validation.
type flagValues struct {
	Services   []string `short:"s" long:"service" value-name:"PROTO:ADDR:PORT" description:"check only this service (repeatable), such as TCP:10.0.0.1:80, UDP:[2001:db8::1]:53 or FWM:1; it must be present. Default: every service"`
	Warning    *string  `short:"w" long:"warning-available" value-name:"N|N%" description:"WARNING when fewer real servers of a service than this have weight > 0 (default: 100%, so any weight 0 warns)"`
	Critical   *string  `short:"c" long:"critical-available" value-name:"N|N%" description:"CRITICAL when fewer real servers of a service than this have weight > 0 (default: 1)"`
	Expect     []string `long:"expect" value-name:"PROTO:ADDR:PORT" description:"CRITICAL when this service is not present (repeatable)"`
	ProcfsRoot string   `long:"procfs-root" value-name:"DIR" description:"read DIR/net/ip_vs (default: $HOST_PROC, else /proc)"`
	//lint:ignore SA5008 go-flags takes one choice tag per allowed value
	SyncDaemon string `long:"sync-daemon" choice:"master" choice:"backup" description:"CRITICAL when this IPVS sync daemon is not running (asked over generic netlink: needs root)"`
	Version    bool   `long:"version" description:"print the version and exit"`
}

const usageText = `[OPTIONS]

Alerts when an IPVS real server is taken out of rotation (weight 0, as
keepalived and ldirectord do to a failed server) or a service has no
available real server left, reading net/ip_vs.

Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (net/ip_vs missing or
unreadable, or a wrong flag).`

// parseOptions parses the command-line arguments (without the program
// name).
func parseOptions(args []string) (options, error) {
	var fv flagValues
	if err := checkrun.Parse(programName, usageText, &fv, args); err != nil {
		return options{}, err
	}
	opts := defaultOptions()
	opts.ProcfsRoot, opts.SyncDaemon = fv.ProcfsRoot, fv.SyncDaemon
	var err error
	if opts.Services, err = parseServiceSpecs(fv.Services); err != nil {
		return options{}, err
	}
	if opts.Expect, err = parseServiceSpecs(fv.Expect); err != nil {
		return options{}, err
	}
	if fv.Warning != nil {
		if opts.Warning, err = threshold.ParseFlag("--warning-available", *fv.Warning); err != nil {
			return options{}, err
		}
	}
	if fv.Critical != nil {
		if opts.Critical, err = threshold.ParseFlag("--critical-available", *fv.Critical); err != nil {
			return options{}, err
		}
	}
	return opts, nil
}

func parseServiceSpecs(ss []string) ([]serviceSpec, error) {
	var out []serviceSpec
	for _, s := range ss {
		spec, err := parseServiceSpec(s)
		if err != nil {
			return nil, err
		}
		out = append(out, spec)
	}
	return out, nil
}
