package checkarptable

import (
	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/internal/threshold"
)

// levels are the warning and critical thresholds as entry counts.
type levels struct {
	Warning, Critical float64
}

// levelsFor turns the thresholds into counts for a table limit of thresh3.
func levelsFor(warning, critical threshold.Threshold, thresh3 uint64) levels {
	return levels{Warning: warning.Of(float64(thresh3)), Critical: critical.Of(float64(thresh3))}
}

// reachesWarning tells whether count is at the warning level, the point
// from which a global count is worth refining.
func (l levels) reachesWarning(count uint64) bool {
	return float64(count) >= l.Warning
}

// evaluate is the verdict: CRITICAL when the kernel refused entries within
// the window, whatever the count; else by the count's level.
func evaluate(count uint64, l levels, refusedInWindow uint64) checkers.Status {
	switch c := float64(count); {
	case refusedInWindow > 0:
		return checkers.CRITICAL
	case c >= l.Critical:
		return checkers.CRITICAL
	case c >= l.Warning:
		return checkers.WARNING
	}
	return checkers.OK
}
