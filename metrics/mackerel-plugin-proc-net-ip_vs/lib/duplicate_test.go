package ipvs

import (
	"bytes"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// TestDuplicateRealServers: a duplicated real server is skipped once
// told, whether the service is scanned (few real servers) or mapped
// (beyond scanServers), and wherever the copy stands.
func TestDuplicateRealServers(t *testing.T) {
	for _, tt := range []struct {
		name      string
		servers   int
		dupOf, at int // real server dupOf is repeated after real server at
	}{
		{"scanned", 5, 2, 4},
		{"copy as the scan ends", scanServers + 3, 0, scanServers - 1},
		{"mapped, original scanned", scanServers + 10, 3, scanServers + 5},
		{"mapped, original mapped", scanServers + 10, scanServers + 2, scanServers + 8},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var errs bytes.Buffer
			w := metricout.NewWriter(&bytes.Buffer{}, &errs, "p", filepath.Join(t.TempDir(), "s"), time.Unix(1_800_000_000, 0))
			rs := func(i int) procnet.RealServer {
				return procnet.RealServer{Addr: netip.AddrFrom4([4]byte{10, 1, 0, byte(i)}), Port: 80}
			}
			s := procnet.Service{Protocol: "TCP", Addr: netip.AddrFrom4([4]byte{10, 0, 0, 1}), Port: 80}
			for i := range tt.servers {
				s.RealServers = append(s.RealServers, rs(i))
				if i == tt.at {
					s.RealServers = append(s.RealServers, rs(tt.dupOf))
				}
			}
			tb := newTable(w, nil)
			for range 2 { // a second service read reuses the table
				tb.seenServices = map[string]struct{}{}
				errs.Reset()
				if !tb.read(&s, nil) || len(tb.servers) != tt.servers {
					t.Fatalf("%d real servers read, want %d", len(tb.servers), tt.servers)
				}
				if strings.Count(errs.String(), "skipping duplicated real server 10_1_0_") != 1 {
					t.Errorf("stderr %q, want one line", errs.String())
				}
			}
		})
	}
}
