package checkrun

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mackerelio/checkers"
)

func TestBound(t *testing.T) {
	long := strings.Repeat("é", 2000)
	got := Bound("IPVS", checkers.UNKNOWN, "line one\nline two\r\n"+long)
	if !strings.HasPrefix(got, "line one line two é") || !strings.HasSuffix(got, "é...") {
		t.Errorf("Bound = %q...%q", got[:30], got[len(got)-10:])
	}
	if n := utf8.RuneCountInString("IPVS UNKNOWN: " + got); n != LineLimit {
		t.Errorf("bounded line is %d runes, want %d", n, LineLimit)
	}
	if got := Bound("ARP-TABLE", checkers.OK, "a\nb\t c\n"); got != "a b c" {
		t.Errorf("Bound = %q, want %q", got, "a b c")
	}
}

func TestBudgetDependsOnNameAndStatus(t *testing.T) {
	if got, want := Budget("IPVS", checkers.OK), LineLimit-len("IPVS OK: "); got != want {
		t.Errorf("Budget(IPVS, OK) = %d, want %d", got, want)
	}
	if got, want := Budget("ARP-TABLE", checkers.CRITICAL), LineLimit-len("ARP-TABLE CRITICAL: "); got != want {
		t.Errorf("Budget(ARP-TABLE, CRITICAL) = %d, want %d", got, want)
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"short", 5, "short"},
		{"toolong", 6, "too..."},
		{"ééééé", 4, "é..."},
		{"abcdef", 2, ".."},
	}
	for _, tt := range tests {
		if got := Truncate(tt.s, tt.n); got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}
