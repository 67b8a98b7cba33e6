package checkipvs

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// defenseEffect says what a strategy in force does.
var defenseEffect = map[string]string{
	"drop_entry":  "dropping connection entries",
	"drop_packet": "dropping packets",
	"secure_tcp":  "using the secure TCP state table",
}

// checkDefense judges the IPVS defense strategies of the namespace:
// CRITICAL while the kernel has set any to 2 (memory available below
// amemthresh: it is dropping now), naming them with amemthresh and the
// memory the kernel compared it with; WARNING while any is 3 (always on:
// only an operator sets 3, so it is a standing choice, not an emergency
// to page on every minute, but it drops connections and stays visible);
// OK with no text otherwise, and when the sysctls are missing (a kernel
// without CONFIG_SYSCTL, a procfs tree captured without them: the table
// was read, so the module is loaded). UNKNOWN when they cannot be read.
func checkDefense(read func() (procnet.IPVSDefense, error), memory func() (uint64, error)) (checkers.Status, string) {
	d, err := read()
	if errors.Is(err, fs.ErrNotExist) {
		return checkers.OK, ""
	}
	if err != nil {
		return checkers.UNKNOWN, fmt.Sprintf("defense mode unknown: %v", err)
	}
	if active := d.Active(procnet.DefenseActive); len(active) > 0 {
		mem := "memory available unknown"
		if pages, err := memory(); err != nil {
			mem += fmt.Sprintf(" (%v)", err)
		} else {
			mem = fmt.Sprintf("MemFree+Buffers %d pages", pages)
		}
		return checkers.CRITICAL, fmt.Sprintf("IPVS defense active: %s (%s < amemthresh %d pages)", describeDefense(active, 2), mem, d.AMemThresh)
	}
	if always := d.Active(procnet.DefenseAlways); len(always) > 0 {
		return checkers.WARNING, "IPVS defense always on: " + describeDefense(always, 3)
	}
	return checkers.OK, ""
}

func describeDefense(names []string, v int) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s=%d %s", n, v, defenseEffect[n])
	}
	return strings.Join(parts, ", ")
}
