package metricout

import (
	"fmt"
	"time"
)

// A fold, once decided, holds until the whole view fits within
// foldMarginPercent of the bound and has fitted so for foldHold: a table
// that hovers at the bound (a real server that keepalived removes and
// adds back, a neighbour that comes and goes) would otherwise switch the
// keys on every run, and every switch is a notice the agent logs.
const (
	foldMarginPercent = 80
	foldHold          = time.Hour
	foldHoldText      = "an hour"
)

// Fold reports whether the view named group, which costs n metrics
// printed whole, is to be folded this run, and whether this run unfolds
// it (the caller says so on stderr, as it says when it folds). The
// decision is remembered in w's state.
func (b *Budget) Fold(w *Writer, group string, n int) (fold, unfolded bool) {
	if b.Max == 0 {
		return false, false
	}
	key := "fold." + group
	since, wasFolded := w.Recall(key)
	switch {
	case !b.Fits(n):
		w.Remember(key, 0)
		return true, false
	case !wasFolded:
		return false, false
	case n*100 > b.Max*foldMarginPercent:
		w.Remember(key, 0)
		return true, false
	}
	if since == 0 {
		since = float64(w.now.Unix())
	}
	if w.now.Unix()-int64(since) >= int64(foldHold/time.Second) {
		return false, true
	}
	w.Remember(key, since)
	return true, false
}

// Margin is how much of room a choice that can be undone by growth may
// take when it adds something new: an item kept last run keeps its place
// up to the bound, a newcomer only within the margin.
func Margin(room int) int { return room * foldMarginPercent / 100 }

// HoldNote says in a fold's notice when the fold ends.
func HoldNote() string {
	return fmt.Sprintf("until the whole fits %d%% of it for %s", foldMarginPercent, foldHoldText)
}
