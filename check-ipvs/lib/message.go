package checkipvs

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/internal/checkrun"
	"github.com/procnet/mackerel-plugin-proc-net/internal/ipvsnames"
)

const (
	checkerName = "IPVS"
	offenderSep = "; "
)

// String returns the offender in ipvsadm notation.
func (o offender) String() string {
	switch o.Problem {
	case notPresent:
		return o.service() + " not present"
	case quiescent:
		return o.service() + " -> " + o.RealServer.String() + " weight 0"
	case removed:
		return o.service() + " -> " + o.RealServer.String() + " removed, last seen " + ago(o.LastSeen, o.Now)
	case serviceRemoved:
		return o.service() + " service removed, last seen " + ago(o.LastSeen, o.Now)
	case tableEmptied:
		return "no virtual services: " + plural(o.Total, "service") + " removed, last seen " + ago(o.LastSeen, o.Now)
	case lowCapacity:
		return fmt.Sprintf("%s: weight %d of %d in rotation (%s)", o.service(), o.InRotation, o.Weight, percent(o.InRotation, o.Weight))
	}
	if o.Total == 0 {
		return o.service() + ": no real servers"
	}
	return fmt.Sprintf("%s: %d of %s available", o.service(), o.Available, plural(o.Total, "real server"))
}

// service names the offender's service in ipvsadm notation, after its
// name in --service-names when it has one: "web (TCP 10.0.0.4:80)".
func (o offender) service() string {
	if o.Name != "" {
		return o.Name + " (" + o.Service.String() + ")"
	}
	return o.Service.String()
}

// ago is how long before now t was, as a person reads it at 3 a.m. in
// any time zone: "under a minute ago", "7 min ago", "2 h 5 min ago", "3
// days ago".
func ago(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < -time.Minute:
		return strings.TrimSuffix(ago(now, t), " ago") + " from now (the clock stepped back?)"
	case d < time.Minute:
		return "under a minute ago"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 48*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%d h ago", h)
		}
		return fmt.Sprintf("%d h %d min ago", h, m)
	}
	return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
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

// formatVerdict returns the check message for the result status st: lead
// (what made the status worse than the table's verdict: a sync daemon, a
// state that cannot be kept), then the offenders, worst first, or on OK
// what was checked, then tail (the rest of the sync daemon's and the
// state's words). The cause comes first. lead and tail are never cut:
// the offenders are cut so that the whole line fits; lead and tail
// longer than half the line are themselves cut to half.
func formatVerdict(v verdict, st checkers.Status, lead, tail string) string {
	budget := checkrun.Budget(checkerName, st)
	if extra := joinTail(lead, tail); extra != "" {
		if utf8.RuneCountInString(extra) > budget/2 {
			lead = checkrun.Truncate(lead, budget/2)
			tail = checkrun.Truncate(tail, max(0, budget/2-utf8.RuneCountInString(lead)-len(offenderSep)))
		}
		budget -= utf8.RuneCountInString(joinTail(lead, tail)) + len(offenderSep)
	}
	return joinTail(joinTail(lead, formatOffenders(v, budget)), tail)
}

// joinTail joins two parts of the line, either of which may be "".
func joinTail(s, tail string) string {
	switch {
	case tail == "":
		return s
	case s == "":
		return tail
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

// nameOffenders gives the offenders the names of their services in
// names (--service-names); nil names none.
func nameOffenders(offenders []offender, names *ipvsnames.Names) {
	if names == nil {
		return
	}
	for i := range offenders {
		if offenders[i].Problem == tableEmptied {
			continue
		}
		offenders[i].Name, _ = names.Name(offenders[i].Service.id())
	}
}
