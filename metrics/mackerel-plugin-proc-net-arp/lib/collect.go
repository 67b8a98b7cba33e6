package arp

import (
	"sort"

	mp "github.com/mackerelio/go-mackerel-plugin-helper"
	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

type plugin struct{ opts *options }

func (p plugin) Graphs() map[string]mp.Graphs { return graphs() }

func (p plugin) Collect(w *metricout.Writer) int {
	fsys := procnet.NewFS(p.opts.ProcfsRoot)
	read := 0
	if !p.opts.tableOnly && p.collectRows(w, fsys) {
		read++
	}
	for _, f := range []procnet.Family{procnet.Inet, procnet.Inet6} {
		read += collectTable(w, fsys, f)
	}
	return read
}

// collectRows writes the counts of this namespace's net/arp rows.
func (p plugin) collectRows(w *metricout.Writer, fsys procnet.FS) bool {
	var sum procnet.ARPSummary
	var err error
	if p.opts.target != "" {
		sum, err = procnet.CountARPFile(p.opts.target)
	} else {
		sum, err = fsys.CountARP()
	}
	if err != nil {
		w.Warnf("%s: skipping ARP rows: %v", name, err)
		return false
	}
	w.Gauge("size", sum.Total())
	writeCounts(w, "states.", sum.ARPCounts)
	devices := make([]string, 0, len(sum.PerDevice))
	for d := range sum.PerDevice {
		devices = append(devices, d)
	}
	sort.Strings(devices)
	for _, d := range devices {
		writeCounts(w, "devices."+deviceKey(d)+".", *sum.PerDevice[d])
	}
	return true
}

func writeCounts(w *metricout.Writer, prefix string, c procnet.ARPCounts) {
	w.Gauge(prefix+"complete", c.Complete)
	w.Gauge(prefix+"incomplete", c.Incomplete)
	w.Gauge(prefix+"permanent", c.Permanent)
	w.Gauge(prefix+"proxy", c.Proxy)
}

// collectTable writes the global table size, limits and GC counters of
// one family; it returns how many of its two sources it could read. In a
// container the kernel hides net/stat and the sysctls; on the live /proc
// rtnetlink then answers for the same global table (without
// unresolved_discards, which it does not carry).
func collectTable(w *metricout.Writer, fsys procnet.FS, f procnet.Family) int {
	fam := "ipv4_"
	if f == procnet.Inet6 {
		fam = "ipv6_"
	}
	st, stErr := fsys.NeighCacheStats(f)
	th, thErr := fsys.GCThresh(f)
	fromNetlink := false
	if (stErr != nil || thErr != nil) && fsys.IsLive() {
		if nt, err := procnet.NeighTableFromNetlink(f); err == nil {
			if stErr != nil && nt.HasStats {
				st, stErr, fromNetlink = nt.Stats, nil, true
			}
			if thErr != nil {
				th, thErr = nt.Thresh, nil
			}
		}
	}
	read := 0
	if stErr != nil {
		w.Warnf("%s: skipping %s neighbour table size and GC counters: %v", name, f, stErr)
	} else {
		w.Gauge("table."+fam+"entries", st.Entries)
		if st.HasTableFulls {
			w.Counter("gc."+fam+"table_fulls", st.TableFulls)
		}
		w.Counter("gc."+fam+"forced_gc_runs", st.ForcedGCRuns)
		if !fromNetlink {
			w.Counter("gc."+fam+"unresolved_discards", st.UnresolvedDiscards)
		}
		read++
	}
	if thErr != nil {
		w.Warnf("%s: skipping %s gc_thresh: %v", name, f, thErr)
	} else {
		w.Gauge("table."+fam+"gc_thresh1", th.Thresh1)
		w.Gauge("table."+fam+"gc_thresh2", th.Thresh2)
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
