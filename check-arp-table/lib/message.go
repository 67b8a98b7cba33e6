package checkarptable

import (
	"fmt"
	"strings"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// message describes the reading, for example
// "850 of 1024 entries (83.0% of gc_thresh3; gc_thresh2 512); 0 table
// overflows since last check; source /proc/net/stat/arp_cache". When the
// kernel refused entries within the window, that leads: it is what pages.
func message(r reading, o overflows) string {
	count, overflow := countPart(r), overflowPart(r, o)
	var b strings.Builder
	if o.InWindow > 0 {
		b.WriteString(overflow + "; " + count)
	} else {
		b.WriteString(count + "; " + overflow)
	}
	fmt.Fprintf(&b, "; source %s", r.CountSource)
	if r.ThreshSource != r.CountSource && !r.HostFiles {
		fmt.Fprintf(&b, ", gc_thresh3 from %s", r.ThreshSource)
	}
	for _, n := range r.Notes {
		b.WriteString("; ")
		b.WriteString(n)
	}
	if o.SaveErr != nil {
		fmt.Fprintf(&b, "; overflows not tracked: state not saved: %v", o.SaveErr)
	}
	return b.String()
}

// countPart is the count against the limits.
func countPart(r reading) string {
	var b strings.Builder
	// IPv4's table goes unnamed, as in the first releases' messages.
	table := "entries"
	if r.Family != procnet.Inet {
		table = r.Family.TableName() + " entries"
	}
	fmt.Fprintf(&b, "%d of %d %s (%.1f%% of gc_thresh3", r.Count, r.Thresh3, table, 100*float64(r.Count)/float64(r.Thresh3))
	if r.Thresh2 != 0 {
		fmt.Fprintf(&b, "; gc_thresh2 %d", r.Thresh2)
	}
	b.WriteString(")")
	if r.Refined && r.PermanentExcluded > 0 {
		kind := "permanent"
		if r.ExtLearnedExcluded > 0 {
			kind = "permanent or externally learned"
		}
		fmt.Fprintf(&b, "; %d in the whole table, less %d %s entries of this namespace", r.Entries, r.PermanentExcluded, kind)
	}
	return b.String()
}

// overflowPart is what table_fulls says since the last check and within
// the window.
func overflowPart(r reading, o overflows) string {
	var b strings.Builder
	switch {
	case !r.HasTableFulls && r.Global:
		b.WriteString("table overflows not counted by this kernel")
	case !r.HasTableFulls:
		b.WriteString("table overflows unknown from this source")
	case o.Reset && o.Total > 0:
		fmt.Fprintf(&b, "%s since the counter restarted (reboot?), all after the last check", tableOverflows(o.Total))
	case o.Reset:
		b.WriteString("table overflow counter restarted (reboot?), 0 now")
	case !o.HasPrevious:
		fmt.Fprintf(&b, "%s so far, none to compare with (first check)", tableOverflows(o.Total))
	case o.Grew() > 0:
		fmt.Fprintf(&b, "%s since last check (table_fulls %d -> %d)", tableOverflows(o.Grew()), o.Previous, o.Total)
		if earlier := o.InWindow - min(o.InWindow, o.Grew()); earlier > 0 {
			fmt.Fprintf(&b, ", %d before it within the last %s", earlier, windowString(o.Window))
		}
	case o.InWindow > 0:
		fmt.Fprintf(&b, "%s within the last %s, none since last check", tableOverflows(o.InWindow), windowString(o.Window))
	default:
		b.WriteString("0 table overflows since last check")
	}
	if o.InWindow > 0 {
		b.WriteString(": the kernel refused new neighbours")
	}
	return b.String()
}

// tableOverflows counts overflows in words: "1 table overflow", "2 table
// overflows".
func tableOverflows(n uint64) string {
	if n == 1 {
		return "1 table overflow"
	}
	return fmt.Sprintf("%d table overflows", n)
}

// windowString prints a window as given: "5m" rather than "5m0s".
func windowString(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
