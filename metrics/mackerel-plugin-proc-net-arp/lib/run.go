package arp

import (
	"io"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
)

// Main runs the plugin with args (without the program name) and returns
// the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	var o options
	return metricout.Main(newFlagSet(&o), &o.Options, plugin{&o}, args, stdout, stderr)
}
