package ipvs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
)

// Main runs the plugin with args (without the program name) and returns
// the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	var o options
	return metricout.Main(newFlagSet(&o), &o.Options, plugin{&o}, args, stdout, stderr)
}

// ipvsHint explains the usual cause of a missing ip_vs file.
func ipvsHint(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w (is the ip_vs module loaded?)", err)
	}
	return err
}
