package checkipvs

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/checkrun"
	"github.com/procnet/mackerel-plugin-proc-net/internal/ipvsnames"
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
	// NetNS names the network namespace whose table is read: a name from
	// `ip netns` or a path; "" is the check's own.
	NetNS string
	// NetNSForeignUserNS reads a namespace owned by another user namespace
	// than the check's own (--netns-foreign-userns).
	NetNSForeignUserNS bool
	// SyncDaemon is "master" or "backup": that IPVS sync daemon must run
	// (read over generic netlink); "auto" is master where this host holds
	// a service address, backup elsewhere. Empty means not checked.
	SyncDaemon string
	// NoDefense turns off the check of the IPVS defense strategies
	// (drop_entry, drop_packet, secure_tcp), on by default.
	NoDefense bool
	// WarningCapacity and CriticalCapacity are the minimum share, in
	// percent, of a service's weight in rotation; 0 is off.
	WarningCapacity, CriticalCapacity float64
	// StateFile remembers the pools; "" means the default path, one per
	// network namespace and procfs root.
	StateFile string
	// Forget names removed real servers to forget now; ForgetAll forgets
	// every one.
	Forget         []netip.AddrPort
	ForgetServices []serviceSpec
	ForgetAll      bool
	// ForgetAfter is how long a removed real server is remembered; 0 is
	// for ever.
	ForgetAfter time.Duration
	// Names are the services' names of --service-names, for the message;
	// nil names none.
	Names *ipvsnames.Names
}

// defaultForgetAfter is how long a removed real server is remembered when
// --forget-after is not given: a week, so that a server that failed on a
// Friday evening still counts after a long weekend or a holiday, while a
// server decommissioned without --forget stops warning by itself.
const defaultForgetAfter = 7 * 24 * time.Hour

// forgets reports whether --forget names rs.
func (o options) forgets(rs netip.AddrPort) bool {
	if o.ForgetAll {
		return true
	}
	for _, f := range o.Forget {
		if f == rs {
			return true
		}
	}
	return false
}

// forgetting reports whether --forget names anything.
func (o options) forgetting() bool {
	return o.ForgetAll || len(o.Forget) > 0 || len(o.ForgetServices) > 0
}

// forgetsService reports whether --forget names the removed service s.
func (o options) forgetsService(s serviceSpec) bool {
	return o.ForgetAll || slices.Contains(o.ForgetServices, s)
}

// The defaults are the plain rules: every real server should be
// available (else WARNING), and at least one must be (else CRITICAL).
var (
	defaultWarning  = threshold.Threshold{Value: 100, Percent: true}
	defaultCritical = threshold.Threshold{Value: 1}
)

func defaultOptions() options {
	return options{Warning: defaultWarning, Critical: defaultCritical, ForgetAfter: defaultForgetAfter}
}

// flagValues is what go-flags fills in before validation.
type flagValues struct {
	Services   []string `short:"s" long:"service" value-name:"PROTO:ADDR:PORT" description:"check only this service (repeatable), such as TCP:10.0.0.1:80, UDP:[2001:db8::1]:53 or FWM:1; it must be present. Default: every service"`
	Warning    *string  `short:"w" long:"warning-available" value-name:"N|N%" description:"WARNING when fewer real servers of a service than this have weight > 0 (default: 100%, so any weight 0 or removal warns; removed real servers count in the total)"`
	Critical   *string  `short:"c" long:"critical-available" value-name:"N|N%" description:"CRITICAL when fewer real servers of a service than this have weight > 0 (default: 1)"`
	Expect     []string `long:"expect" value-name:"PROTO:ADDR:PORT" description:"CRITICAL when this service is not present (repeatable)"`
	ProcfsRoot string   `long:"procfs-root" value-name:"DIR" description:"read DIR/net/ip_vs (default: $HOST_PROC, else /proc)"`
	NetNS      *string  `long:"netns" value-name:"NAME|PATH" description:"check the IPVS table of this network namespace: a name from ip netns (in /var/run/netns) or a path such as /var/run/docker/netns/ingress_sbox or /proc/PID/ns/net (needs root)"`
	//lint:ignore SA5008 go-flags takes one choice tag per allowed value
	SyncDaemon       string   `long:"sync-daemon" choice:"master" choice:"backup" choice:"auto" description:"CRITICAL when this IPVS sync daemon is not running (asked over generic netlink: needs root); auto expects master where an interface holds any service address of the table (a keepalived MASTER holds the VIPs), backup elsewhere"`
	WarningCapacity  string   `long:"warning-capacity" value-name:"N%" description:"WARNING when less than this share of a service's weight is in rotation, a real server out of rotation counting with its last non-zero weight (default: off)"`
	CriticalCapacity string   `long:"critical-capacity" value-name:"N%" description:"CRITICAL likewise (default: off)"`
	StateFile        string   `long:"state-file" value-name:"FILE" description:"where the pools are remembered, to count removed real servers (default: a file per network namespace and procfs root in a directory of this user's own under $MACKEREL_PLUGIN_WORKDIR, else /var/tmp/mackerel-agent where it exists, else the temp dir)"`
	Forget           []string `long:"forget" value-name:"ADDR:PORT|SERVICE|all" description:"forget this removed real server or removed service (PROTO:ADDR:PORT, FWM:MARK) (repeatable), or all of them, for good; run it once by hand"`
	ForgetAfter      string   `long:"forget-after" value-name:"DURATION" default:"7d" description:"forget a real server or service removed longer ago than this, such as 7d, 36h; 0 remembers for ever"`
	NoDefense        bool     `long:"no-defense" description:"do not check the IPVS defense strategies of sys/net/ipv4/vs (by default CRITICAL while the kernel has set drop_entry, drop_packet or secure_tcp to 2, short of memory, and WARNING while one is 3, always on)"`
	Version          bool     `long:"version" description:"print the version and exit"`
	ServiceNames     string   `long:"service-names" value-name:"FILE" description:"name services in the message by this file: lines of NAME PROTO:ADDR:PORT, FWM:MARK or FWM6:MARK (IPv6 in brackets), # comments, such as web TCP:10.0.0.4:80 for 'web (TCP 10.0.0.4:80)' (default: none)"`

	// Off by default: --netns refuses a namespace that any user can make.
	NetNSForeignUserNS bool `long:"netns-foreign-userns" description:"read a --netns namespace even when a user namespace other than this process's own owns it (any user can make one: unshare -Urn); by default such a namespace is refused"`
}

const usageText = `[OPTIONS]

Alerts when an IPVS real server is taken out of rotation (weight 0, as
keepalived's inhibit_on_failure and ldirectord's quiescent checks do, or
removed from the table, as they do by default) or a service has too few
available real servers or, with --warning-capacity/--critical-capacity,
too little of its weight left, reading net/ip_vs. Removed real servers are
known from a state file that remembers the pools (one per network
namespace and procfs root, whatever the thresholds), until they return,
--forget names them, or --forget-after has passed. It is CRITICAL while
the kernel has set an IPVS defense strategy (sys/net/ipv4/vs drop_entry,
drop_packet, secure_tcp) to 2, short of memory, and WARNING while one is
3, always on (--no-defense turns this off).

Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (net/ip_vs missing or
unreadable, or a wrong flag). Of a verdict's parts the worst wins in the
order OK < WARNING < UNKNOWN < CRITICAL.`

// parseOptions parses the command-line arguments (without the program
// name).
func parseOptions(args []string) (options, error) {
	var fv flagValues
	if err := checkrun.Parse(programName, usageText, &fv, args); err != nil {
		return options{}, err
	}
	opts := defaultOptions()
	opts.ProcfsRoot, opts.SyncDaemon = fv.ProcfsRoot, fv.SyncDaemon
	opts.NetNSForeignUserNS = fv.NetNSForeignUserNS
	opts.NoDefense = fv.NoDefense
	if fv.NetNS != nil {
		if *fv.NetNS == "" {
			// "" would read the check's own namespace: never what was meant.
			return options{}, errors.New("--netns '': want a name from ip netns or a path such as /proc/PID/ns/net")
		}
		opts.NetNS = *fv.NetNS
	}
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
	if opts.WarningCapacity, err = parseCapacity("--warning-capacity", fv.WarningCapacity); err != nil {
		return options{}, err
	}
	if opts.CriticalCapacity, err = parseCapacity("--critical-capacity", fv.CriticalCapacity); err != nil {
		return options{}, err
	}
	if err := checkOrder(opts); err != nil {
		return options{}, err
	}
	opts.StateFile = fv.StateFile
	for _, f := range fv.Forget {
		if f == "all" {
			opts.ForgetAll = true
			continue
		}
		if spec, err := parseServiceSpec(f); err == nil {
			opts.ForgetServices = append(opts.ForgetServices, spec)
			continue
		}
		rs, err := netip.ParseAddrPort(f)
		if err != nil || rs.Addr().Zone() != "" {
			return options{}, fmt.Errorf("--forget %q: want a real server as ADDR:PORT (IPv6 in brackets), a service as PROTO:ADDR:PORT or FWM:MARK, or all", f)
		}
		opts.Forget = append(opts.Forget, rs)
	}
	if opts.ForgetAfter, err = parseForgetAfter(fv.ForgetAfter); err != nil {
		return options{}, err
	}
	if fv.ServiceNames != "" {
		if opts.Names, err = ipvsnames.Load(fv.ServiceNames); err != nil {
			return options{}, fmt.Errorf("--service-names: %w", err)
		}
	}
	return opts, nil
}

// checkOrder is the one rule of both checks (threshold.CheckOrder): the
// WARNING threshold is reached first. Here they alert below: -w 1 -c 3
// would warn only once it is already critical. A count and a percentage
// compare only per service, where the evaluation takes the worse. A
// WARNING threshold of 0 is off (no service has fewer than 0), which
// leaves the warning to --warning-capacity.
func checkOrder(opts options) error {
	named := func(flag string, t threshold.Threshold) threshold.Named {
		return threshold.Named{Flag: flag, Threshold: t}
	}
	if opts.Warning.Value != 0 {
		if err := threshold.CheckOrder(threshold.Below, named("--warning-available", opts.Warning), named("--critical-available", opts.Critical)); err != nil {
			return err
		}
	}
	if opts.WarningCapacity == 0 || opts.CriticalCapacity == 0 {
		return nil
	}
	pct := func(v float64) threshold.Threshold { return threshold.Threshold{Value: v, Percent: true} }
	return threshold.CheckOrder(threshold.Below, named("--warning-capacity", pct(opts.WarningCapacity)), named("--critical-capacity", pct(opts.CriticalCapacity)))
}

// parseCapacity parses a percentage such as "50%"; "" is off (0).
func parseCapacity(flag, s string) (float64, error) {
	if s == "" {
		return 0, nil
	}
	t, err := threshold.ParseFlag(flag, s)
	if err != nil {
		return 0, err
	}
	if !t.Percent {
		return 0, fmt.Errorf("%s %q: want a percentage of the service's weight, such as 50%%", flag, s)
	}
	return t.Value, nil
}

// parseForgetAfter parses a Go duration, or a number of days such as "7d".
func parseForgetAfter(s string) (time.Duration, error) {
	bad := fmt.Errorf("--forget-after %q: want a duration such as 7d or 36h, or 0 for ever", s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(days, 64)
		// Negated so that NaN, which every comparison refuses, is refused.
		if err != nil || !(n >= 0 && n <= 100000) {
			return 0, bad
		}
		return time.Duration(n * float64(24*time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, bad
	}
	return d, nil
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
