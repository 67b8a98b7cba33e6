package checkrun

import "github.com/mackerelio/checkers"

// severity ranks a status for combining the parts of one check. The exit
// codes (OK 0, WARNING 1, CRITICAL 2, UNKNOWN 3) are not that order: a
// part that is known to be CRITICAL must not be hidden by another part
// that could not be read, so UNKNOWN ranks between WARNING and CRITICAL.
// UNKNOWN still beats WARNING and OK: an unread part may hide anything
// up to a CRITICAL.
func severity(st checkers.Status) int {
	switch st {
	case checkers.OK:
		return 0
	case checkers.WARNING:
		return 1
	case checkers.UNKNOWN:
		return 2
	case checkers.CRITICAL:
		return 3
	}
	return 2 // any other code is UNKNOWN to the agent
}

// Worst returns the most severe of sts in the order OK < WARNING <
// UNKNOWN < CRITICAL, and OK for none.
func Worst(sts ...checkers.Status) checkers.Status {
	worst := checkers.OK
	for _, st := range sts {
		if severity(st) > severity(worst) {
			worst = st
		}
	}
	return worst
}
