package testbin

import (
	"strings"
	"testing"
)

func TestOverlap(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"#.weight.*", "#.weight.*", true},
		{"#.conns.*", "stats.conns.conns", true},
		{"#.conns.*", "stats.connections.conns", false},
		{"#.service_conns.new", "#.conns.*", false},
		{"sync_daemon.master", "#.weight.*", false},
		{"#.real_servers.total", "TCP_1.#.total", true},
	}
	for _, tt := range tests {
		if got := overlap(strings.Split(tt.a, "."), strings.Split(tt.b, ".")); got != tt.want {
			t.Errorf("overlap(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
