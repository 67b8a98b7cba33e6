package checkrun

import (
	"testing"

	"github.com/mackerelio/checkers"
)

func TestWorst(t *testing.T) {
	tests := []struct {
		name string
		in   []checkers.Status
		want checkers.Status
	}{
		{"none", nil, checkers.OK},
		{"all OK", []checkers.Status{checkers.OK, checkers.OK}, checkers.OK},
		{"warning beats OK", []checkers.Status{checkers.OK, checkers.WARNING}, checkers.WARNING},
		{"unknown beats warning", []checkers.Status{checkers.WARNING, checkers.UNKNOWN}, checkers.UNKNOWN},
		{"a known critical beats unknown", []checkers.Status{checkers.CRITICAL, checkers.UNKNOWN}, checkers.CRITICAL},
		{"order does not matter", []checkers.Status{checkers.UNKNOWN, checkers.CRITICAL, checkers.WARNING}, checkers.CRITICAL},
		{"an unheard-of code counts as unknown", []checkers.Status{checkers.WARNING, checkers.Status(7)}, checkers.Status(7)},
	}
	for _, tt := range tests {
		if got := Worst(tt.in...); got != tt.want {
			t.Errorf("%s: Worst(%v) = %v, want %v", tt.name, tt.in, got, tt.want)
		}
	}
}
