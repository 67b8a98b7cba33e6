package ipvsstatspercpu

import (
	"errors"
	"io"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
)

// Main runs the plugin with args (without the program name) and returns
// the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	var o options
	return metricout.Main(newFlagSet(&o), &o.Options, plugin{&o}, args, stdout, stderr)
}

// Validate checks -cpus.
func (p plugin) Validate() error {
	if p.opts.cpus < 0 {
		return errors.New("-cpus must not be negative")
	}
	return nil
}
