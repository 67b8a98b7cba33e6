package checkarptable

import (
	"testing"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/internal/threshold"
)

func TestLevelsFor(t *testing.T) {
	pct := func(v float64) threshold.Threshold { return threshold.Threshold{Value: v, Percent: true} }
	abs := func(v float64) threshold.Threshold { return threshold.Threshold{Value: v} }
	tests := []struct {
		w, c    threshold.Threshold
		thresh3 uint64
		want    levels
	}{
		{pct(80), pct(90), 1024, levels{819.2, 921.6}},
		{abs(850), abs(1000), 1024, levels{850, 1000}},
		{abs(500), pct(50), 4096, levels{500, 2048}},
		{pct(100), pct(100), 1, levels{1, 1}},
	}
	for _, tt := range tests {
		if got := levelsFor(tt.w, tt.c, tt.thresh3); got != tt.want {
			t.Errorf("levelsFor(%s, %s, %d) = %+v, want %+v", tt.w, tt.c, tt.thresh3, got, tt.want)
		}
	}
}

func TestEvaluate(t *testing.T) {
	lv := levels{Warning: 819.2, Critical: 921.6}
	tests := []struct {
		name    string
		count   uint64
		refused uint64
		want    checkers.Status
	}{
		{"empty table", 0, 0, checkers.OK},
		{"just below warning", 819, 0, checkers.OK},
		{"at warning", 820, 0, checkers.WARNING},
		{"just below critical", 921, 0, checkers.WARNING},
		{"at critical", 922, 0, checkers.CRITICAL},
		{"over the limit", 5000, 0, checkers.CRITICAL},
		{"overflow with an empty table", 0, 1, checkers.CRITICAL},
		{"overflow at warning", 850, 3, checkers.CRITICAL},
	}
	for _, tt := range tests {
		if got := evaluate(tt.count, lv, tt.refused); got != tt.want {
			t.Errorf("%s: evaluate(%d, %+v, %d) = %s, want %s", tt.name, tt.count, lv, tt.refused, got, tt.want)
		}
	}
	// Whole-number levels are reached at equality.
	if got := evaluate(850, levels{Warning: 850, Critical: 1000}, 0); got != checkers.WARNING {
		t.Errorf("count equal to the warning level: %s", got)
	}
	if !(levels{Warning: 850}).reachesWarning(850) || (levels{Warning: 850}).reachesWarning(849) {
		t.Error("reachesWarning is not count >= level")
	}
}
