// Package threshold parses the check thresholds that are either an
// absolute number or a percentage ("80%") of a total known only at run time.
package threshold

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Threshold is an absolute count, or a percentage of a total.
type Threshold struct {
	Value   float64
	Percent bool
}

// Parse accepts a non-negative number ("850") or percentage ("80%", at
// most 100%).
func Parse(s string) (Threshold, error) {
	t := strings.TrimSpace(s)
	pct := strings.HasSuffix(t, "%")
	t = strings.TrimSuffix(t, "%")
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return Threshold{}, fmt.Errorf("invalid threshold %q: want a number or a percentage such as 80%%", s)
	}
	if pct && v > 100 {
		return Threshold{}, fmt.Errorf("invalid threshold %q: a percentage is at most 100%%", s)
	}
	return Threshold{Value: v, Percent: pct}, nil
}

// ParseFlag is Parse for the value of flag, naming the flag in its error.
func ParseFlag(flag, s string) (Threshold, error) {
	t, err := Parse(s)
	if err != nil {
		return t, fmt.Errorf("%s: %w", flag, err)
	}
	return t, nil
}

// Of returns the threshold as a count: itself, or its percentage of total.
func (t Threshold) Of(total float64) float64 {
	if t.Percent {
		return total * t.Value / 100
	}
	return t.Value
}

func (t Threshold) String() string {
	s := strconv.FormatFloat(t.Value, 'f', -1, 64)
	if t.Percent {
		return s + "%"
	}
	return s
}
