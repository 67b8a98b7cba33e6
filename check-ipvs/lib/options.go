package checkipvs

import (
	"errors"
	"fmt"
	"strings"

	flags "github.com/jessevdk/go-flags"

	"github.com/procnet/mackerel-plugin-proc-net/internal/threshold"
)

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
	Version    bool
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
	Warning    string   `short:"w" long:"warning-available" value-name:"N|N%" description:"WARNING when fewer real servers of a service than this have weight > 0 (default: 100%, so any weight 0 warns)"`
	Critical   string   `short:"c" long:"critical-available" value-name:"N|N%" description:"CRITICAL when fewer real servers of a service than this have weight > 0 (default: 1)"`
	Expect     []string `long:"expect" value-name:"PROTO:ADDR:PORT" description:"CRITICAL when this service is not present (repeatable)"`
	ProcfsRoot string   `long:"procfs-root" value-name:"DIR" description:"read DIR/net/ip_vs (default: $HOST_PROC, else /proc)"`
	Version    bool     `long:"version" description:"print the version and exit"`
}

const usageText = `[OPTIONS]

Alerts when an IPVS real server is taken out of rotation (weight 0, as
keepalived and ldirectord do to a failed server) or a service has no
available real server left, reading net/ip_vs.

Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (net/ip_vs missing or
unreadable, or a wrong flag).`

// helpRequest is returned by parseOptions for -h/--help; it carries the
// usage text, which belongs on stdout with exit 0.
type helpRequest struct{ usage string }

func (h *helpRequest) Error() string { return h.usage }

// parseOptions parses the command-line arguments (without the program
// name).
func parseOptions(args []string) (options, error) {
	if err := rejectSingleDashLong(args); err != nil {
		return options{}, err
	}
	var fv flagValues
	p := flags.NewParser(&fv, flags.HelpFlag|flags.PassDoubleDash)
	p.Name = "check-ipvs"
	p.Usage = usageText
	rest, err := p.ParseArgs(args)
	if err != nil {
		var fe *flags.Error
		if errors.As(err, &fe) && fe.Type == flags.ErrHelp {
			return options{}, &helpRequest{usage: fe.Message}
		}
		return options{}, err
	}
	if len(rest) > 0 {
		return options{}, fmt.Errorf("unexpected argument %q", rest[0])
	}
	opts := defaultOptions()
	opts.ProcfsRoot, opts.Version = fv.ProcfsRoot, fv.Version
	if opts.Services, err = parseServiceSpecs(fv.Services); err != nil {
		return options{}, err
	}
	if opts.Expect, err = parseServiceSpecs(fv.Expect); err != nil {
		return options{}, err
	}
	if p.FindOptionByLongName("warning-available").IsSet() {
		if opts.Warning, err = parseThreshold("--warning-available", fv.Warning); err != nil {
			return options{}, err
		}
	}
	if p.FindOptionByLongName("critical-available").IsSet() {
		if opts.Critical, err = parseThreshold("--critical-available", fv.Critical); err != nil {
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

func parseThreshold(flag, s string) (threshold.Threshold, error) {
	t, err := threshold.Parse(s)
	if err != nil {
		return t, fmt.Errorf("%s: %w", flag, err)
	}
	return t, nil
}

// longNames are the long flags; go-flags would read "-procfs-root" as a
// cluster of short flags and give a puzzling "unknown flag `p'".
var longNames = []string{"service", "warning-available", "critical-available", "expect", "procfs-root", "version", "help"}

func rejectSingleDashLong(args []string) error {
	for _, a := range args {
		if a == "--" {
			return nil
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || strings.HasPrefix(a, "--") {
			continue
		}
		for _, l := range longNames {
			if name == l {
				return fmt.Errorf("flag -%s needs two dashes: --%s", l, l)
			}
		}
	}
	return nil
}
