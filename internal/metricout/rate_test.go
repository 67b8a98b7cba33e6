package metricout

import "testing"

func TestPerMinute(t *testing.T) {
	tests := []struct {
		name      string
		last, cur float64
		secs      int64
		want      float64
		ok        bool
	}{
		{"one minute", 100, 160, 60, 60, true},
		{"thirty seconds", 100, 130, 30, 60, true},
		{"unchanged", 5, 5, 60, 0, true},
		{"counter reset", 1000, 10, 60, 0, false},
		{"32-bit wrap", 0xFFFFFFF0, 0x10, 60, 0, false},
		{"same second", 100, 160, 0, 0, false},
		{"clock went back", 100, 160, -5, 0, false},
		{"gap of ten minutes", 100, 700, 600, 60, true},
		{"gap over ten minutes", 100, 700, 601, 0, false},
	}
	for _, tt := range tests {
		got, ok := perMinute(tt.last, tt.cur, tt.secs)
		if ok != tt.ok || got != tt.want {
			t.Errorf("%s: perMinute(%v, %v, %d) = %v, %v; want %v, %v", tt.name, tt.last, tt.cur, tt.secs, got, ok, tt.want, tt.ok)
		}
	}
}
