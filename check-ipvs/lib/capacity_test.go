package checkipvs

import (
	"testing"
	"time"

	"github.com/mackerelio/checkers"
)

func TestCapacityStatus(t *testing.T) {
	tests := []struct {
		name               string
		inRotation, weight uint64
		warning, critical  float64
		want               checkers.Status
	}{
		{"off", 1, 21, 0, 0, checkers.OK},
		{"10+10+1, both 10s out, critical 50%", 1, 21, 0, 50, checkers.CRITICAL},
		{"the same, warning 50% only", 1, 21, 50, 0, checkers.WARNING},
		{"one 10 out: 52.4% is not below 50%", 11, 21, 0, 50, checkers.OK},
		{"exactly at the threshold is not below it", 1, 2, 50, 50, checkers.OK},
		{"just below", 49, 100, 75, 50, checkers.CRITICAL},
		{"between", 60, 100, 75, 50, checkers.WARNING},
		{"whole", 100, 100, 100, 100, checkers.OK},
		{"no weight ever: nothing to judge", 0, 0, 100, 100, checkers.OK},
		{"nothing in rotation", 0, 5, 0, 1, checkers.CRITICAL},
	}
	for _, tt := range tests {
		opts := options{WarningCapacity: tt.warning, CriticalCapacity: tt.critical}
		if got := capacityStatus(servicePool{inRotation: tt.inRotation, weight: tt.weight}, opts); got != tt.want {
			t.Errorf("%s: capacityStatus = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestPercent(t *testing.T) {
	tests := []struct {
		part, whole uint64
		want        string
	}{
		{1, 21, "4.8%"},
		{11, 21, "52.4%"},
		{9999, 10000, "99.9%"},
		{1, 100000, "0.1%"},
		{0, 3, "0.0%"},
		{3, 3, "100.0%"},
	}
	for _, tt := range tests {
		if got := percent(tt.part, tt.whole); got != tt.want {
			t.Errorf("percent(%d, %d) = %q, want %q", tt.part, tt.whole, got, tt.want)
		}
	}
}

func TestAgo(t *testing.T) {
	now := time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)
	tests := []struct {
		seen time.Time
		want string
	}{
		{now.Add(-59 * time.Second), "under a minute ago"},
		{now.Add(-7*time.Minute - 30*time.Second), "7 min ago"},
		{now.Add(-time.Hour), "1 h ago"},
		{time.Date(2026, 12, 3, 3, 12, 0, 0, time.UTC), "10 h 48 min ago"},
		{now.Add(-47*time.Hour - 59*time.Minute), "47 h 59 min ago"},
		{time.Date(2025, 12, 3, 3, 12, 0, 0, time.UTC), "365 days ago"},
		{time.Date(2026, 12, 3, 20, 0, 0, 0, time.UTC), "6 h from now (the clock stepped back?)"},
	}
	for _, tt := range tests {
		// The zone of the time read does not matter: an age has none.
		if got := ago(tt.seen.In(time.FixedZone("JST", 9*3600)), now); got != tt.want {
			t.Errorf("ago(%s) = %q, want %q", tt.seen, got, tt.want)
		}
	}
}
