package arp

import (
	mp "github.com/mackerelio/go-mackerel-plugin-helper"
	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

type plugin struct{ opts *options }

func (p plugin) Graphs() map[string]mp.Graphs { return graphs() }

// Validate checks the plugin's own flags.
func (p plugin) Validate() error {
	if err := p.opts.SourceFlags.Validate(&p.opts.Options); err != nil {
		return err
	}
	p.opts.Budget.SetMin(minMaxMetrics(p.opts.detail))
	return p.opts.Budget.Validate()
}

func (p plugin) Collect(w *metricout.Writer) int {
	nr := procnet.NewNeighReader(p.opts.FS(), p.opts.Source)
	families := []procnet.Family{procnet.Inet, procnet.Inet6}
	var tables []procnet.NeighTableReading
	fixed := 0
	if p.globalTable() {
		for _, f := range families {
			t := nr.Table(f)
			tables = append(tables, t)
			fixed += p.tableKeys(t)
		}
	}
	read := 0
	if !p.opts.tableOnly && p.collectRows(w, nr, fixed) {
		read++
	}
	for i, t := range tables {
		read += p.collectTable(w, t, families[i])
	}
	return read
}

// globalTable reports whether to print the global table: the kernel's
// one table, which the host's own section prints already, is left out of
// a -netns section unless -global-table (or -table-only) asks for it.
func (p plugin) globalTable() bool {
	return p.opts.NetNS == "" || p.opts.globalTable || p.opts.tableOnly
}

// collectRows writes the counts of this namespace's entries: the rows of
// net/arp (read, or computed from the dump by the file's rule), and with
// a dump the true states of both families and the IPv6 rows per device,
// the devices within what -max-metrics leaves once the others keys
// (tableKeys of them elsewhere) are counted.
func (p plugin) collectRows(w *metricout.Writer, nr procnet.NeighReader, others int) bool {
	var rows procnet.NeighRows
	var err error
	if p.opts.Target != "" {
		rows.ARP, err = procnet.CountARPFile(p.opts.Target)
	} else {
		rows, err = nr.Rows()
	}
	if err != nil {
		w.Warnf("%s: skipping ARP rows: %v", name, err)
		return false
	}
	if rows.FellBack != nil {
		w.Warnf("%s: counting the rows of %s, without NUD states or IPv6: %v", name, rows.Source, rows.FellBack)
	}
	sum := rows.ARP
	sections := []deviceSection{{"devices.", sum}}
	others += 1 + countKeys
	if rows.Dump != nil {
		sections = append(sections, deviceSection{"ipv6_devices.", rows.Dump.IPv6.Rows})
		others += 2 * p.stateKeys()
	}
	groups := p.deviceGroups(w, sections, others)
	w.Gauge("size", sum.Total())
	writeCounts(w, "states.", sum.ARPCounts)
	writeGroups(w, "devices.", groups[0])
	if d := rows.Dump; d != nil {
		p.writeStates(w, "neigh_ipv4.", &d.IPv4)
		p.writeStates(w, "neigh_ipv6.", &d.IPv6)
		writeGroups(w, "ipv6_devices.", groups[1])
	}
	return true
}

// fixedKeys is the most keys printed besides the devices: size, the
// states, the NUD states of both families and both tables (4 counters,
// gc_thresh3 and with -detail gc_thresh1 and 2).
func fixedKeys(detail bool) int {
	if detail {
		return 1 + countKeys + 2*int(procnet.NeighNone) + 2*(4+3)
	}
	return 1 + countKeys + 2*len(stateGroups) + 2*(4+1)
}

// stateGroups are the NUD states printed by default, four per family:
// most of the eight are 0 on most hosts, and what a user reads in them
// is whether entries are confirmed, waiting to be, unresolved or static.
var stateGroups = [...]struct {
	key    string
	states []procnet.NeighState
}{
	{"reachable", []procnet.NeighState{procnet.NeighReachable}},
	{"unconfirmed", []procnet.NeighState{procnet.NeighStale, procnet.NeighDelay, procnet.NeighProbe}},
	{"unresolved", []procnet.NeighState{procnet.NeighIncomplete, procnet.NeighFailed}},
	{"static", []procnet.NeighState{procnet.NeighPermanent, procnet.NeighNoARP}},
}

// stateKeys is how many keys writeStates writes.
func (p plugin) stateKeys() int {
	if p.opts.detail {
		return int(procnet.NeighNone)
	}
	return len(stateGroups)
}

// tableKeys is how many keys collectTable writes for t, rates counted.
func (p plugin) tableKeys(t procnet.NeighTableReading) int {
	n := 0
	if t.StatsErr == nil {
		n += 2 // entries, forced_gc_runs
		if t.Stats.HasTableFulls {
			n++
		}
		if !t.StatsFromNetlink {
			n++ // unresolved_discards
		}
	}
	if t.ThreshErr == nil {
		n++
		if p.opts.detail {
			n += 2
		}
	}
	return n
}

// writeStates writes the groups of states, or with -detail every state
// but NONE, 0 included.
func (p plugin) writeStates(w *metricout.Writer, prefix string, c *procnet.NeighCounts) {
	if p.opts.detail {
		for s := procnet.NeighState(0); s < procnet.NeighNone; s++ {
			w.Gauge(prefix+s.String(), c.States[s])
		}
		return
	}
	for _, g := range stateGroups {
		var n uint64
		for _, s := range g.states {
			n += c.States[s]
		}
		w.Gauge(prefix+g.key, n)
	}
}

// countKeys is how many keys writeCounts writes.
const countKeys = 4

func writeCounts(w *metricout.Writer, prefix string, c procnet.ARPCounts) {
	w.Gauge(prefix+"complete", c.Complete)
	w.Gauge(prefix+"incomplete", c.Incomplete)
	w.Gauge(prefix+"permanent", c.Permanent)
	w.Gauge(prefix+"proxy", c.Proxy)
}

// collectTable writes the global table size, limits and GC counters of
// one family as the reader found them; it returns how many of its two
// sources it could read. Counters from rtnetlink (in a container, where
// the kernel hides net/stat) lack unresolved_discards.
func (p plugin) collectTable(w *metricout.Writer, t procnet.NeighTableReading, f procnet.Family) int {
	fam := f.IP() + "_"
	read := 0
	if t.StatsErr != nil {
		w.Warnf("%s: skipping %s neighbour table size and GC counters: %v", name, f, t.StatsErr)
	} else {
		st := t.Stats
		w.Gauge("table."+fam+"entries", st.Entries)
		if st.HasTableFulls {
			w.Counter("gc."+fam+"table_fulls", st.TableFulls)
		}
		w.Counter("gc."+fam+"forced_gc_runs", st.ForcedGCRuns)
		if !t.StatsFromNetlink {
			w.Counter("gc."+fam+"unresolved_discards", st.UnresolvedDiscards)
		}
		read++
	}
	if t.ThreshErr != nil {
		w.Warnf("%s: skipping %s gc_thresh: %v", name, f, t.ThreshErr)
	} else {
		th := t.Thresh
		if p.opts.detail {
			w.Gauge("table."+fam+"gc_thresh1", th.Thresh1)
			w.Gauge("table."+fam+"gc_thresh2", th.Thresh2)
		}
		w.Gauge("table."+fam+"gc_thresh3", th.Thresh3)
		read++
	}
	return read
}

// deviceKey makes a device name a metric key part: "*" (a proxy entry
// bound to no device) becomes "no_device", and characters a key cannot
// hold, such as the dot of a VLAN device, become '_'.
func deviceKey(dev string) string {
	if dev == "*" {
		return "no_device"
	}
	b := []byte(dev)
	for i, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}
