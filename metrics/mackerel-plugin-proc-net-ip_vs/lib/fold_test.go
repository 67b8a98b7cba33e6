package ipvs

import (
	"bytes"
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// netlinkDirector is a walk over services x realServers with the traffic
// netlink gives, every counter grown by minute since the first run.
func netlinkDirector(services, realServers int, minute uint64, rsTraffic bool) serviceWalk {
	return func(fn serviceFunc) error {
		for i := range services {
			s := procnet.Service{Protocol: "TCP", Addr: netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), Port: 80}
			var rst []procnet.IPVSCounters
			for r := range realServers {
				s.RealServers = append(s.RealServers, procnet.RealServer{Addr: netip.AddrFrom4([4]byte{10, 1, byte(i), byte(r)}), Port: 80, Weight: 1, ActiveConns: uint64(i * r)})
				rst = append(rst, procnet.IPVSCounters{Conns: minute * uint64(r+1)})
			}
			t := procnet.IPVSCounters{Conns: minute * uint64(i+1), InPackets: minute, OutPackets: minute, InBytes: minute, OutBytes: minute}
			if !rsTraffic {
				rst = nil
			}
			fn(&s, &t, rst)
		}
		return nil
	}
}

// secondRun runs writeServices twice, a minute apart, on the walks of
// walkAt, and returns the second run's output.
func secondRun(t *testing.T, p plugin, sh shape, walkAt func(minute uint64) serviceWalk) *bytes.Buffer {
	t.Helper()
	state := filepath.Join(t.TempDir(), "s.json")
	now := time.Unix(1_800_000_000, 0)
	var out, errs bytes.Buffer
	for minute := range uint64(2) {
		out.Reset()
		w := metricout.NewWriter(&out, &errs, "p", state, now.Add(time.Duration(minute)*time.Minute))
		if !p.writeServices(w, walkAt(minute), sh) {
			t.Fatal("writeServices failed")
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return &out
}

// TestBudgetWithNetlinkTraffic counts the keys of the services over
// netlink (traffic rates per service, and per real server with
// -real-server-traffic), which fixture trees cannot give, on a second
// run, with the global keys (5 rates, 2 sync daemons, 3 defense, 2 VIPs)
// added.
func TestBudgetWithNetlinkTraffic(t *testing.T) {
	tests := []struct {
		services, realServers int
		rsTraffic             bool
		args                  []string
		keys                  int
		otherConns            float64 // rate of other's new connections, per minute
	}{
		// 12 global: 5 rates, 2 sync daemons, 3 defense, 2 VIPs. 4x4 in full
		// would be 88: 4 summaries leave 37, of which a newcomer takes
		// 80%: the real servers (12 keys) of 2.
		{4, 4, false, nil, 12 + 4*9 + 2*12, -1},
		{20, 8, false, nil, 12 + 7*9 + 9, 0},
		{2000, 3, false, nil, 12 + 7*9 + 9, 0},
		// 3 summaries leave 46, of which a newcomer takes 80%: the real
		// servers (8 keys each with their traffic) of 1.
		{3, 4, true, nil, 12 + 3*9 + 1*8*4, -1},
		// 4 summaries leave 37: 80% of it is less than one service's 32.
		{4, 4, true, nil, 12 + 4*9, -1},
		{20, 8, true, nil, 12 + 7*9 + 9, 0},
		{20, 8, false, []string{"-max-metrics", "0"}, 12 + 20*(2+5+3*8), -1},
		{6, 8, false, []string{"-max-metrics", "100"}, 12 + 6*9 + 1*24, -1},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%dx%d rs-traffic %v %v", tt.services, tt.realServers, tt.rsTraffic, tt.args)
		t.Run(name, func(t *testing.T) {
			var o options
			if err := newFlagSet(&o).Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			p := plugin{&o}
			sh := shape{traffic: true, realServerTraffic: tt.rsTraffic, global: globalKeys(true)}
			out := secondRun(t, p, sh, func(minute uint64) serviceWalk {
				return netlinkDirector(tt.services, tt.realServers, minute, tt.rsTraffic)
			})
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if got := len(lines) + sh.global; got != tt.keys {
				t.Errorf("%d keys with the global ones, want %d:\n%s", got, tt.keys, out.String())
			}
			if tt.otherConns < 0 {
				return
			}
			// other's rate is the sum of the folded services' rates: each
			// service i grew by i+1 connections in the minute.
			var kept, folded float64
			for _, l := range lines {
				f := strings.Split(l, "\t")
				var v float64
				fmt.Sscan(f[1], &v)
				switch {
				case f[0] == "p.other.service_conns.new":
					folded = v
				case strings.HasSuffix(f[0], ".service_conns.new"):
					kept += v
				}
			}
			n := float64(tt.services)
			if kept+folded != n*(n+1)/2 || folded == 0 {
				t.Errorf("new connections per minute: %v kept + %v other, want %v in all", kept, folded, n*(n+1)/2)
			}
		})
	}
}

// TestFoldedDetailReadsTheTableOnce: when the table is folded and some
// services get their real servers in detail, the table is still read
// once a run (over netlink a second read would be a second dump per
// service), and the real servers written are the whole of each detailed
// service.
func TestFoldedDetailReadsTheTableOnce(t *testing.T) {
	tests := []struct {
		services, realServers int
		rsTraffic             bool
		args                  []string
		detailed              int // services written with their real servers
	}{
		{3, 4, true, nil, 1},
		{6, 8, false, []string{"-max-metrics", "100"}, 1},
		{300, 2, false, []string{"-max-metrics", "120"}, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%dx%d %v", tt.services, tt.realServers, tt.args), func(t *testing.T) {
			var o options
			if err := newFlagSet(&o).Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			p := plugin{&o}
			state := filepath.Join(t.TempDir(), "s.json")
			sh := shape{traffic: true, realServerTraffic: tt.rsTraffic, global: globalKeys(true)}
			for minute := range uint64(2) {
				walks := 0
				director := netlinkDirector(tt.services, tt.realServers, minute, tt.rsTraffic)
				walk := func(fn serviceFunc) error { walks++; return director(fn) }
				var out, errs bytes.Buffer
				w := metricout.NewWriter(&out, &errs, "p", state, time.Unix(1_800_000_000+60*int64(minute), 0))
				if !p.writeServices(w, walk, sh) {
					t.Fatal("writeServices failed")
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				if walks != 1 {
					t.Errorf("run %d read the table %d times, want once", minute, walks)
				}
				weights := map[string]int{}
				for _, l := range strings.Split(out.String(), "\n") {
					if svc, _, ok := strings.Cut(l, ".weight."); ok {
						weights[svc]++
					}
				}
				if len(weights) != tt.detailed {
					t.Errorf("run %d: real servers of %d services, want %d:\n%s", minute, len(weights), tt.detailed, out.String())
				}
				for svc, n := range weights {
					if n != tt.realServers {
						t.Errorf("run %d: %s has %d real servers written, want all %d", minute, svc, n, tt.realServers)
					}
				}
			}
		})
	}
}

// TestOtherRateWhenAFoldedCounterWentBackwards: a folded service whose
// counter went backwards (recreated, ipvsadm -Z) has no rate this run;
// other without it would dip, so other has no rate this run, and the
// next run has it again.
func TestOtherRateWhenAFoldedCounterWentBackwards(t *testing.T) {
	tests := []struct {
		reset     bool
		wantOther []bool // a rate of other on runs 1 and 2
	}{
		{false, []bool{true, true}},
		{true, []bool{false, true}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("reset %v", tt.reset), func(t *testing.T) {
			var o options
			if err := newFlagSet(&o).Parse(nil); err != nil {
				t.Fatal(err)
			}
			p := plugin{&o}
			state := filepath.Join(t.TempDir(), "s.json")
			sh := shape{traffic: true, global: globalKeys(true)}
			for minute := range uint64(3) {
				director := netlinkDirector(2000, 3, minute+10, false)
				walk := func(fn serviceFunc) error {
					return director(func(s *procnet.Service, traffic *procnet.IPVSCounters, rst []procnet.IPVSCounters) {
						if tt.reset && minute == 1 && s.Addr == netip.AddrFrom4([4]byte{10, 0, 0, 0}) {
							c := *traffic
							c.Conns = 0 // service 0 is folded: the fewest connections
							traffic = &c
						}
						fn(s, traffic, rst)
					})
				}
				var out, errs bytes.Buffer
				w := metricout.NewWriter(&out, &errs, "p", state, time.Unix(1_800_000_000+60*int64(minute), 0))
				if !p.writeServices(w, walk, sh) {
					t.Fatal("writeServices failed")
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				if minute == 0 {
					continue
				}
				got := strings.Contains(out.String(), "p.other.service_conns.new\t")
				if got != tt.wantOther[minute-1] {
					t.Errorf("run %d: other's rate printed %v, want %v:\n%s", minute, got, tt.wantOther[minute-1], out.String())
				}
			}
		})
	}
}
