package checkrun

import (
	"strings"
	"unicode/utf8"

	"github.com/mackerelio/checkers"
)

// LineLimit bounds the result line, newline excluded: the agent keeps only
// the first 1024 runes of a check's stdout.
const LineLimit = 1023

const ellipsis = "..."

// Budget is how many runes a message may take after the "NAME STATUS: "
// prefix of the result line.
func Budget(name string, st checkers.Status) int {
	return LineLimit - utf8.RuneCountInString(name+" "+st.String()+": ")
}

// Bound makes msg one line (every run of white space, line breaks
// included, becomes one space) that fits its budget.
func Bound(name string, st checkers.Status, msg string) string {
	return Truncate(strings.Join(strings.Fields(msg), " "), Budget(name, st))
}

// Truncate cuts s to at most n runes, marking the cut with "...".
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	keep := max(n-len(ellipsis), 0)
	runes := []rune(s)
	return string(runes[:keep]) + ellipsis[:min(n, len(ellipsis))]
}
