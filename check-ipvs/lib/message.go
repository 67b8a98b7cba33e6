package checkipvs

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mackerelio/checkers"
)

const (
	checkerName = "IPVS"
	// lineLimit bounds the stdout line, newline excluded: the agent keeps
	// only the first 1024 runes of stdout.
	lineLimit   = 1023
	offenderSep = "; "
	ellipsis    = "..."
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
	budget := messageBudget(v.Status)
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

// messageBudget is how many runes the message may take after the
// "IPVS STATUS: " prefix.
func messageBudget(st checkers.Status) int {
	return lineLimit - utf8.RuneCountInString(checkerName+" "+st.String()+": ")
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
	return truncateRunes(s, budget)
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

// boundMessage makes msg one line that fits after the status prefix.
func boundMessage(st checkers.Status, msg string) string {
	msg = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, msg)
	return truncateRunes(msg, messageBudget(st))
}

// truncateRunes cuts s to at most n runes, marking the cut with "...".
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	keep := max(n-len(ellipsis), 0)
	runes := []rune(s)
	return string(runes[:keep]) + ellipsis[:min(n, len(ellipsis))]
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
