package checkrun

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	flags "github.com/jessevdk/go-flags"
)

// HelpRequest is returned by Parse for -h/--help; Usage belongs on stdout.
type HelpRequest struct{ Usage string }

func (h *HelpRequest) Error() string { return h.Usage }

// VersionRequest is returned by Parse when data's --version flag is set.
type VersionRequest struct{}

func (*VersionRequest) Error() string { return "version requested" }

// Parse fills data, a go-flags option struct, from args (without the
// program name). -h/--help is a request for the usage, not an error: on
// stdout with exit 0 (go-check-plugins exits 1, which Mackerel shows as
// WARNING). Long flags also work with one dash, as they do for the metric
// plugins; a stray argument is an error.
func Parse(program, usage string, data any, args []string) error {
	p := flags.NewParser(data, flags.HelpFlag|flags.PassDoubleDash)
	p.Name = program
	p.Usage = usage
	rest, err := p.ParseArgs(doubleDashLongFlags(p, args))
	if err != nil {
		var fe *flags.Error
		if errors.As(err, &fe) && fe.Type == flags.ErrHelp {
			return &HelpRequest{Usage: fe.Message}
		}
		if errors.As(err, &fe) {
			// go-flags quotes in TeX's style: `bogus'.
			return errors.New(texQuotes.ReplaceAllString(fe.Message, `"$1"`))
		}
		return err
	}
	if v := p.FindOptionByLongName("version"); v != nil && v.IsSet() {
		return &VersionRequest{}
	}
	if len(rest) > 0 {
		return fmt.Errorf("unexpected argument %q", rest[0])
	}
	return nil
}

var texQuotes = regexp.MustCompile("`([^`']*)'")

// doubleDashLongFlags turns "-procfs-root" into "--procfs-root": go-flags
// would read it as a cluster of short flags, and mackerel-agent.conf lines
// are often copied from the metric plugins, whose flags take one dash.
func doubleDashLongFlags(p *flags.Parser, args []string) []string {
	long := map[string]bool{}
	for _, g := range p.Groups() {
		for _, o := range g.Options() {
			if o.LongName != "" {
				long[o.LongName] = true
			}
		}
	}
	out := make([]string, len(args))
	copy(out, args)
	for i, a := range out {
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") || strings.HasPrefix(a, "--") {
			continue
		}
		if name, _, _ := strings.Cut(a[1:], "="); long[name] {
			out[i] = "-" + a
		}
	}
	return out
}
