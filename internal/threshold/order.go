package threshold

import "fmt"

// Direction says which side of a threshold alerts.
type Direction int

const (
	// Above alerts at or above the threshold: a table filling up.
	Above Direction = iota
	// Below alerts below the threshold: too few real servers available.
	Below
)

// Named is a threshold with the flag that gave it.
type Named struct {
	Flag string
	Threshold
}

// CheckOrder is the one rule of both checks: a WARNING threshold must be
// reached no later than the CRITICAL one, or the warning is never seen.
// A count and a percentage compare only once the total is known:
// CheckOrder accepts them, and a check that knows the total compares them
// with CheckOrderOf.
func CheckOrder(d Direction, warning, critical Named) error {
	if warning.Percent != critical.Percent || inOrder(d, warning.Value, critical.Value) {
		return nil
	}
	return fmt.Errorf("%s %s is %s %s %s: the WARNING threshold must be reached first", warning.Flag, warning.Threshold, d, critical.Flag, critical.Threshold)
}

// CheckOrderOf is CheckOrder for a known total (total, of unit, named
// totalName), such as gc_thresh3.
func CheckOrderOf(d Direction, warning, critical Named, total float64, unit, totalName string) error {
	w, c := warning.Of(total), critical.Of(total)
	if inOrder(d, w, c) {
		return nil
	}
	return fmt.Errorf("%s %s (%.0f %s) is %s %s %s (%.0f %s) with %s %.0f: the WARNING threshold must be reached first",
		warning.Flag, warning.Threshold, w, unit, d, critical.Flag, critical.Threshold, c, unit, totalName, total)
}

func inOrder(d Direction, warning, critical float64) bool {
	if d == Below {
		return warning >= critical
	}
	return warning <= critical
}

func (d Direction) String() string {
	if d == Below {
		return "below"
	}
	return "above"
}
