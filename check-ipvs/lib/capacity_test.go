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

func TestClock(t *testing.T) {
	now := time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)
	tests := []struct {
		seen time.Time
		want string
	}{
		{time.Date(2026, 12, 3, 3, 12, 0, 0, time.UTC), "03:12"},
		{time.Date(2026, 12, 2, 23, 59, 0, 0, time.UTC), "2026-12-02 23:59"},
		{time.Date(2025, 12, 3, 3, 12, 0, 0, time.UTC), "2025-12-03 03:12"},
		{time.Date(2026, 12, 3, 20, 0, 0, 0, time.UTC), "20:00"}, // a clock stepped back: still today
	}
	for _, tt := range tests {
		if got := clock(tt.seen.In(time.FixedZone("JST", 9*3600)), now); got != tt.want {
			t.Errorf("clock(%s) = %q, want %q", tt.seen, got, tt.want)
		}
	}
}

// A service listed twice (only a damaged file does that) is matched with
// the memory once: its second copy reports no real server as removed.
func TestServiceListedTwiceIsMatchedOnce(t *testing.T) {
	web := service(t, "TCP:10.0.0.4:80", realServer{"127.0.0.1:8091", 10}, realServer{"127.0.0.1:8092", 10})
	other := service(t, "TCP:10.0.0.4:80", realServer{"127.0.0.1:8093", 1})
	mem := memory{seen: time.Now()}
	spec := specOf(&web)
	for _, rs := range []string{"127.0.0.1:8091", "127.0.0.1:8092", "127.0.0.1:8093"} {
		mem.add(spec, member{RealServer: mustAddrPort(t, rs), LastWeight: 1})
	}
	next := &pool{}
	e := newEvaluationWith(defaultOptions(), mem, time.Now(), next)
	e.add(&web)
	e.add(&other)
	e.close()
	v := e.result()
	if v.Removed != 1 || len(next.removed) != 1 || next.removed[0].RealServer != "127.0.0.1:8093" {
		t.Errorf("removed %d, remembered as removed %+v; want 127.0.0.1:8093 once (absent from the first copy)", v.Removed, next.removed)
	}
}
