package metricout

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	mp "github.com/mackerelio/go-mackerel-plugin-helper"
	"github.com/procnet/mackerel-plugin-proc-net/internal/version"
)

// Plugin is what a metric plugin provides once its flags are parsed.
type Plugin interface {
	// Graphs returns the graph definitions, keyed below the prefix.
	Graphs() map[string]mp.Graphs
	// Collect writes the values; it returns how many sources it could
	// read, having told stderr (through w.Warnf) about the others.
	Collect(w *Writer) int
}

// Validator is a Plugin with flags of its own to check once parsed.
type Validator interface {
	Validate() error
}

// Preparer is a Plugin with a file of its own to read before the values
// (the ip_vs plugin's -service-names): an error, which names the file and
// line, exits 1 with nothing printed.
type Preparer interface {
	Prepare() error
}

// Main is the whole of a metric plugin's Main: it parses args into fs, on
// which opts and the plugin's own flags are registered, and runs p.
func Main(fs *flag.FlagSet, opts *Options, p Plugin, args []string, stdout, stderr io.Writer) int {
	if done, code := Parse(fs, args, stdout, stderr); done {
		return code
	}
	return Run(fs.Name(), opts, args, p, stdout, stderr)
}

// Run answers -version, the agent's request for graph definitions, or a
// request for values. The exit code is 0 when at least one source was
// read; the agent ignores it, but a user at a shell does not.
func Run(name string, opts *Options, args []string, p Plugin, stdout, stderr io.Writer) int {
	if opts.Version {
		fmt.Fprintf(stdout, "%s %s\n", name, version.Version)
		return 0
	}
	err := opts.Validate()
	if v, ok := p.(Validator); ok && err == nil {
		err = v.Validate()
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	if os.Getenv(MetaEnv) != "" {
		if err := WriteDefinitionsLabelled(stdout, opts.Prefix, opts.LabelPrefix, p.Graphs()); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return 1
		}
		return 0
	}
	if pr, ok := p.(Preparer); ok {
		if err := pr.Prepare(); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return 1
		}
	}
	if err := opts.OpenFS(); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	w := NewWriter(stdout, stderr, opts.Prefix, opts.StatePath(name, args), time.Now())
	w.program = name
	read := p.Collect(w)
	if err := w.Close(); err != nil {
		fmt.Fprintf(stderr, "%s: writing values: %v\n", name, err)
		return 1
	}
	if read == 0 {
		return 1
	}
	return 0
}
