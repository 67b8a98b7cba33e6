package arp

import (
	"io"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
)

// Main runs the plugin with args (without the program name) and returns
// the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := newFlagSet(&o)
	if done, code := metricout.Parse(fs, args, stdout, stderr); done {
		return code
	}
	return metricout.Run(name, &o.Options, args, plugin{&o}, stdout, stderr)
}
