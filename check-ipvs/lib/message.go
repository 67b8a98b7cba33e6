package checkipvs

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/internal/checkrun"
)

const (
	checkerName = "IPVS"
	offenderSep = "; "
)

// String returns the offender in ipvsadm notation.
func (o offender) String() string {
	switch o.Problem {
	case notPresent:
		return o.Service.String() + " not present"
	case quiescent:
		return o.Service.String() + " -> " + o.RealServer.String() + " weight 0"
	case removed:
		return o.Service.String() + " -> " + o.RealServer.String() + " removed, last seen " + clock(o.LastSeen, o.Now)
	case serviceRemoved:
		return o.Service.String() + " service removed, last seen " + clock(o.LastSeen, o.Now)
	case tableEmptied:
		return "no virtual services: " + plural(o.Total, "service") + " removed, last seen " + clock(o.LastSeen, o.Now)
	case lowCapacity:
		return fmt.Sprintf("%s: %s of its weight in rotation (%d of %d)", o.Service, percent(o.InRotation, o.Weight), o.InRotation, o.Weight)
	}
	if o.Total == 0 {
		return o.Service.String() + ": no real servers"
	}
	return fmt.Sprintf("%s: %d of %s available", o.Service, o.Available, plural(o.Total, "real server"))
}

// clock is when a removed real server was last seen, in now's time zone
// (local time): the time of day when that was today, else the date too.
func clock(t, now time.Time) string {
	t = t.In(now.Location())
	if t.Year() == now.Year() && t.YearDay() == now.YearDay() {
		return t.Format("15:04")
	}
	return t.Format("2006-01-02 15:04")
}

// percent is part of whole as a percentage with one decimal, never
// rounded up to 100% or down to 0% when it is not.
func percent(part, whole uint64) string {
	p := 100 * float64(part) / float64(whole)
	s := strconv.FormatFloat(p, 'f', 1, 64)
	switch {
	case part < whole && s == "100.0":
		s = "99.9"
	case part > 0 && s == "0.0":
		s = "0.1"
	}
	return s + "%"
}

// formatVerdict returns the check message for the result status st: the
// offenders, worst first, or on OK what was checked, then tail (the sync
// daemon's verdict, notes), which is never cut: the offenders are cut so
// that the whole line fits, tail included. A tail longer than half the
// line is itself cut to half.
func formatVerdict(v verdict, st checkers.Status, tail string) string {
	budget := checkrun.Budget(checkerName, st)
	if tail != "" {
		tail = checkrun.Truncate(tail, budget/2)
		budget -= utf8.RuneCountInString(tail) + len(offenderSep)
	}
	return joinTail(formatOffenders(v, budget), tail)
}

func joinTail(s, tail string) string {
	if tail == "" {
		return s
	}
	return s + offenderSep + tail
}

// formatOffenders returns the offenders, worst first, cut to fit budget
// runes, or on OK what was checked.
func formatOffenders(v verdict, budget int) string {
	if len(v.Offenders) == 0 {
		return checkrun.Truncate(okSummary(v), budget)
	}
	// Every item after the first takes a separator and a rune at least,
	// so no more than these can fit: the rest are only counted.
	fit := min(len(v.Offenders), budget/(len(offenderSep)+1)+1)
	items := make([]string, fit)
	for i, o := range v.Offenders[:fit] {
		items[i] = o.String()
	}
	return joinBounded(items, len(v.Offenders)+v.Omitted, budget)
}

func okSummary(v verdict) string {
	if v.Services == 0 {
		return "no virtual services configured"
	}
	s := plural(v.Services, "service") + ", " + plural(v.RealServers, "real server")
	if v.Quiescent == 0 && v.Removed == 0 {
		return s + ", all available"
	}
	if v.Quiescent > 0 {
		s += ", " + strconv.Itoa(v.Quiescent) + " with weight 0"
	}
	if v.Removed > 0 {
		s += ", " + strconv.Itoa(v.Removed) + " removed"
	}
	return s
}

// joinBounded joins items, the first of total, with "; ", keeping as many
// leading items as fit in budget runes together with a "... and N more"
// tail for the rest.
func joinBounded(items []string, total, budget int) string {
	kept, used := 0, 0 // used: runes of the first k items joined
	for k := 0; k <= len(items); k++ {
		if k > 0 {
			used += utf8.RuneCountInString(items[k-1])
			if k > 1 {
				used += len(offenderSep)
			}
		}
		if used+tailRunes(k, total) <= budget {
			kept = k
		}
	}
	s := strings.Join(items[:kept], offenderSep)
	if kept < total {
		if kept > 0 {
			s += offenderSep
		}
		s += moreTail(total - kept)
	}
	return checkrun.Truncate(s, budget)
}

func moreTail(n int) string { return "... and " + strconv.Itoa(n) + " more" }

// tailRunes is the length of what follows the first k of n items.
func tailRunes(k, n int) int {
	switch {
	case k == n:
		return 0
	case k == 0:
		return len(moreTail(n))
	}
	return len(offenderSep) + len(moreTail(n-k))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
