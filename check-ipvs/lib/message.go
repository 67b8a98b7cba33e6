package checkipvs

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

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
	}
	if o.Total == 0 {
		return o.Service.String() + ": no real servers"
	}
	return fmt.Sprintf("%s: %d of %s available", o.Service, o.Available, plural(o.Total, "real server"))
}

// formatVerdict returns the check message: the offenders, worst first, cut
// to fit the line, or on OK what was checked.
func formatVerdict(v verdict) string {
	if len(v.Offenders) == 0 {
		return okSummary(v)
	}
	budget := checkrun.Budget(checkerName, v.Status)
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
	if v.Quiescent == 0 {
		return s + ", all available"
	}
	return s + ", " + strconv.Itoa(v.Quiescent) + " with weight 0"
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
