package checkipvs

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/internal/threshold"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// service builds a service from a spec such as "TCP:10.0.0.1:80" and real
// servers given as "ADDR:PORT" with their weights.
func service(t *testing.T, spec string, realServers ...realServer) procnet.Service {
	t.Helper()
	s, err := parseServiceSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	svc := procnet.Service{Protocol: s.Protocol, Addr: s.Addr, Port: s.Port, FirewallMark: s.Mark, FWMIPv6: s.IPv6, Scheduler: "wlc"}
	for _, rs := range realServers {
		ap := netip.MustParseAddrPort(rs.addrPort)
		svc.RealServers = append(svc.RealServers, procnet.RealServer{Addr: ap.Addr(), Port: ap.Port(), Forward: "Route", Weight: rs.weight})
	}
	return svc
}

type realServer struct {
	addrPort string
	weight   uint32
}

func up(addrPort string) realServer   { return realServer{addrPort, 1} }
func down(addrPort string) realServer { return realServer{addrPort, 0} }

func specs(t *testing.T, ss ...string) []serviceSpec {
	t.Helper()
	out, err := parseServiceSpecs(ss)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mustThreshold(t *testing.T, s string) threshold.Threshold {
	t.Helper()
	th, err := threshold.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return th
}

func TestEvaluate(t *testing.T) {
	web := func(t *testing.T) procnet.Service {
		return service(t, "TCP:10.0.0.1:80", up("10.0.1.2:80"), down("10.0.1.3:80"), up("10.0.1.4:80"), up("10.0.1.5:80"))
	}
	dead := func(t *testing.T) procnet.Service {
		return service(t, "TCP:[2001:db8::1]:443", down("[2001:db8::102]:443"), down("10.0.1.3:443"))
	}
	empty := func(t *testing.T) procnet.Service { return service(t, "UDP:10.0.0.3:5060") }
	fwm := func(t *testing.T) procnet.Service {
		return service(t, "FWM:1", up("10.0.1.4:0"), down("[2001:db8::104]:0"))
	}
	healthy := func(t *testing.T) procnet.Service {
		return service(t, "UDP:10.0.0.1:53", up("10.0.1.4:53"), up("[2001:db8::104]:53"))
	}

	tests := []struct {
		name       string
		services   func(t *testing.T) []procnet.Service
		opts       func(t *testing.T) options
		wantStatus checkers.Status
		want       []string
		wantCounts [3]int // services, real servers, quiescent
	}{
		{
			name:       "no services",
			services:   func(t *testing.T) []procnet.Service { return nil },
			wantStatus: checkers.OK,
		},
		{
			name:       "all available",
			services:   func(t *testing.T) []procnet.Service { return []procnet.Service{healthy(t)} },
			wantStatus: checkers.OK,
			wantCounts: [3]int{1, 2, 0},
		},
		{
			name:       "one quiescent real server warns",
			services:   func(t *testing.T) []procnet.Service { return []procnet.Service{healthy(t), web(t)} },
			wantStatus: checkers.WARNING,
			want:       []string{"TCP 10.0.0.1:80 -> 10.0.1.3:80 weight 0"},
			wantCounts: [3]int{2, 6, 1},
		},
		{
			name:       "all quiescent is critical, without listing each server",
			services:   func(t *testing.T) []procnet.Service { return []procnet.Service{dead(t)} },
			wantStatus: checkers.CRITICAL,
			want:       []string{"TCP [2001:db8::1]:443: 0 of 2 real servers available"},
			wantCounts: [3]int{1, 2, 2},
		},
		{
			name:       "a service without real servers is critical",
			services:   func(t *testing.T) []procnet.Service { return []procnet.Service{empty(t)} },
			wantStatus: checkers.CRITICAL,
			want:       []string{"UDP 10.0.0.3:5060: no real servers"},
			wantCounts: [3]int{1, 0, 0},
		},
		{
			name: "worst first, then table order",
			services: func(t *testing.T) []procnet.Service {
				return []procnet.Service{web(t), fwm(t), dead(t), healthy(t), empty(t)}
			},
			wantStatus: checkers.CRITICAL,
			want: []string{
				"TCP [2001:db8::1]:443: 0 of 2 real servers available",
				"UDP 10.0.0.3:5060: no real servers",
				"TCP 10.0.0.1:80 -> 10.0.1.3:80 weight 0",
				"FWM 1 -> [2001:db8::104]:0 weight 0",
			},
			wantCounts: [3]int{5, 10, 4},
		},
		{
			name:       "--service selects",
			services:   func(t *testing.T) []procnet.Service { return []procnet.Service{web(t), fwm(t), dead(t), healthy(t)} },
			opts:       func(t *testing.T) options { o := defaultOptions(); o.Services = specs(t, "FWM:0x1"); return o },
			wantStatus: checkers.WARNING,
			want:       []string{"FWM 1 -> [2001:db8::104]:0 weight 0"},
			wantCounts: [3]int{1, 2, 1},
		},
		{
			name:     "--service not present is critical, first",
			services: func(t *testing.T) []procnet.Service { return []procnet.Service{web(t), healthy(t)} },
			opts: func(t *testing.T) options {
				o := defaultOptions()
				o.Services = specs(t, "TCP:10.0.0.1:80", "TCP:10.0.0.9:80")
				return o
			},
			wantStatus: checkers.CRITICAL,
			want:       []string{"TCP 10.0.0.9:80 not present", "TCP 10.0.0.1:80 -> 10.0.1.3:80 weight 0"},
			wantCounts: [3]int{1, 4, 1},
		},
		{
			name:     "--expect checks presence and keeps every service checked",
			services: func(t *testing.T) []procnet.Service { return []procnet.Service{healthy(t), fwm(t)} },
			opts: func(t *testing.T) options {
				o := defaultOptions()
				o.Expect = specs(t, "UDP:10.0.0.1:53", "TCP:[2001:db8::1]:80")
				return o
			},
			wantStatus: checkers.CRITICAL,
			want:       []string{"TCP [2001:db8::1]:80 not present", "FWM 1 -> [2001:db8::104]:0 weight 0"},
			wantCounts: [3]int{2, 4, 1},
		},
		{
			name:     "--expect together with --service is checked too, named once",
			services: func(t *testing.T) []procnet.Service { return []procnet.Service{web(t), fwm(t), healthy(t)} },
			opts: func(t *testing.T) options {
				o := defaultOptions()
				o.Services = specs(t, "UDP:10.0.0.1:53", "SCTP:10.0.0.2:3868")
				o.Expect = specs(t, "FWM:1", "SCTP:10.0.0.2:3868")
				return o
			},
			wantStatus: checkers.CRITICAL,
			want:       []string{"SCTP 10.0.0.2:3868 not present", "FWM 1 -> [2001:db8::104]:0 weight 0"},
			wantCounts: [3]int{2, 4, 1},
		},
		{
			name:     "-w 50% tolerates one of four down",
			services: func(t *testing.T) []procnet.Service { return []procnet.Service{web(t), fwm(t)} },
			opts: func(t *testing.T) options {
				o := defaultOptions()
				o.Warning = mustThreshold(t, "50%")
				return o
			},
			wantStatus: checkers.OK,
			wantCounts: [3]int{2, 6, 2},
		},
		{
			name:     "-w 80% lists the quiescent servers",
			services: func(t *testing.T) []procnet.Service { return []procnet.Service{web(t), healthy(t)} },
			opts: func(t *testing.T) options {
				o := defaultOptions()
				o.Warning = mustThreshold(t, "80%")
				return o
			},
			wantStatus: checkers.WARNING,
			want:       []string{"TCP 10.0.0.1:80 -> 10.0.1.3:80 weight 0"},
			wantCounts: [3]int{2, 6, 1},
		},
		{
			name:     "-w 3 with fewer servers than that and none quiescent",
			services: func(t *testing.T) []procnet.Service { return []procnet.Service{healthy(t)} },
			opts: func(t *testing.T) options {
				o := defaultOptions()
				o.Warning = mustThreshold(t, "3")
				return o
			},
			wantStatus: checkers.WARNING,
			want:       []string{"UDP 10.0.0.1:53: 2 of 2 real servers available"},
			wantCounts: [3]int{1, 2, 0},
		},
		{
			name:     "-c 4 makes three of four critical",
			services: func(t *testing.T) []procnet.Service { return []procnet.Service{web(t), healthy(t)} },
			opts: func(t *testing.T) options {
				o := defaultOptions()
				o.Critical = mustThreshold(t, "4")
				return o
			},
			wantStatus: checkers.CRITICAL,
			want:       []string{"TCP 10.0.0.1:80: 3 of 4 real servers available", "UDP 10.0.0.1:53: 2 of 2 real servers available"},
			wantCounts: [3]int{2, 6, 1},
		},
		{
			name:     "-c 50% still fails a service with no real servers",
			services: func(t *testing.T) []procnet.Service { return []procnet.Service{empty(t), fwm(t)} },
			opts: func(t *testing.T) options {
				o := defaultOptions()
				o.Critical = mustThreshold(t, "50%")
				o.Warning = mustThreshold(t, "50%")
				return o
			},
			wantStatus: checkers.CRITICAL,
			want:       []string{"UDP 10.0.0.3:5060: no real servers"},
			wantCounts: [3]int{2, 2, 1},
		},
		{
			name:     "-w 0 -c 0 never alerts on weights",
			services: func(t *testing.T) []procnet.Service { return []procnet.Service{dead(t), empty(t)} },
			opts: func(t *testing.T) options {
				return options{Warning: mustThreshold(t, "0"), Critical: mustThreshold(t, "0%")}
			},
			wantStatus: checkers.OK,
			wantCounts: [3]int{2, 2, 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := defaultOptions()
			if tt.opts != nil {
				opts = tt.opts(t)
			}
			v := evaluate(tt.services(t), opts)
			var got []string
			for _, o := range v.Offenders {
				got = append(got, o.String())
			}
			if v.Status != tt.wantStatus || !slices.Equal(got, tt.want) {
				t.Errorf("evaluate = %v %q, want %v %q", v.Status, got, tt.wantStatus, tt.want)
			}
			if counts := [3]int{v.Services, v.RealServers, v.Quiescent}; counts != tt.wantCounts {
				t.Errorf("services, real servers, quiescent = %v, want %v", counts, tt.wantCounts)
			}
		})
	}
}

func TestBelow(t *testing.T) {
	tests := []struct {
		available, total int
		threshold        string
		want             bool
	}{
		{4, 4, "100%", false},
		{3, 4, "100%", true},
		{2, 4, "50%", false},
		{1, 4, "50%", true},
		{1, 3, "33.3%", false},
		{1, 3, "33.4%", true},
		{0, 0, "100%", true}, // nothing is never enough
		{0, 0, "0%", false},
		{0, 5, "1", true},
		{1, 5, "1", false},
		{2, 2, "3", true},
	}
	for _, tt := range tests {
		if got := below(tt.available, tt.total, mustThreshold(t, tt.threshold)); got != tt.want {
			t.Errorf("below(%d, %d, %s) = %v, want %v", tt.available, tt.total, tt.threshold, got, tt.want)
		}
	}
}

// A huge table keeps only the offenders that could ever be shown, and
// counts the rest for the "... and N more" tail.
func TestEvaluateKeepsABoundedNumberOfOffenders(t *testing.T) {
	svc := procnet.Service{Protocol: "TCP", Addr: netip.MustParseAddr("10.0.0.1"), Port: 80, Scheduler: "wlc"}
	for i := 0; i < 2000; i++ {
		svc.RealServers = append(svc.RealServers, procnet.RealServer{Addr: netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), Port: 80, Forward: "Route"})
	}
	svc.RealServers[0].Weight = 1
	v := evaluate([]procnet.Service{svc}, defaultOptions())
	if v.Status != checkers.WARNING || len(v.Offenders) != keepOffenders || v.Omitted != 1999-keepOffenders {
		t.Fatalf("status %v, %d offenders kept, %d omitted; want WARNING, %d, %d", v.Status, len(v.Offenders), v.Omitted, keepOffenders, 1999-keepOffenders)
	}
	msg := formatVerdict(v, v.Status, "", "")
	if !strings.HasPrefix(msg, "TCP 10.0.0.1:80 -> 10.1.0.1:80 weight 0; ") || !strings.Contains(msg, " more") {
		t.Errorf("message %q", msg)
	}
	var tail int
	fmt.Sscanf(msg[strings.LastIndex(msg, "... and ")+len("... and "):], "%d", &tail)
	if shown := strings.Count(msg, "weight 0"); shown+tail != 1999 {
		t.Errorf("%d shown + %d in the tail != 1999 offenders", shown, tail)
	}
}

// evaluate applies the options to services as run does to the ones it
// walks.
func evaluate(services []procnet.Service, opts options) verdict {
	e := newEvaluation(opts)
	for i := range services {
		e.add(&services[i])
	}
	return e.result()
}
