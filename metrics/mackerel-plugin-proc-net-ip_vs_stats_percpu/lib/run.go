package ipvsstatspercpu

import (
	"fmt"
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
	if o.cpus < 0 {
		fmt.Fprintf(stderr, "%s: -cpus must not be negative\n", name)
		return 2
	}
	return metricout.Run(name, &o.Options, args, plugin{&o}, stdout, stderr)
}
