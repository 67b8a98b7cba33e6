package ipvs

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// persistentDirector is the persistence templates of netlinkDirector's
// last (busiest) persistent services: real server r of service i holds
// i+r.
func persistentDirector(services, persistent, realServers int) persistConns {
	pc := persistConns{}
	for i := services - persistent; i < services; i++ {
		s := procnet.NetlinkService{Service: procnet.Service{Protocol: "TCP", Addr: netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), Port: 80, Persistent: true}}
		for r := range realServers {
			s.RealServers = append(s.RealServers, procnet.RealServer{Addr: netip.AddrFrom4([4]byte{10, 1, byte(i), byte(r)}), Port: 80})
			s.RealServerPersistConns = append(s.RealServerPersistConns, uint32(i+r))
		}
		pc.add(&s, nil)
	}
	return pc
}

// persistent_conns is one more key per real server of a persistent
// service only, counted in the budget as the others: the table that
// fitted with it printed, and the fold's detail paying for it.
func TestPersistentConnsKeysAndBudget(t *testing.T) {
	tests := []struct {
		services, persistent, realServers int
		args                              []string
		keys, persistKeys                 int
	}{
		// 12 global keys: 5 rates, 2 sync daemons, 3 defense, 2 VIPs.
		// 4 services x 4 would be 88, over 85: summaries, then the detail
		// of the busiest two (fold_test); one persistent service of them
		// costs 4 keys per real server. 3 x 4 with one persistent fits.
		{4, 0, 4, nil, 12 + 4*9 + 2*3*4, 0},
		{4, 1, 4, nil, 12 + 4*9 + 4*4 + 3*4, 4},
		{3, 1, 4, nil, 12 + 3*(2+5+3*4) + 4, 4},
		{20, 20, 8, []string{"-max-metrics", "0"}, 12 + 20*(2+5+4*8), 160},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%dx%d %d persistent %v", tt.services, tt.realServers, tt.persistent, tt.args), func(t *testing.T) {
			var o options
			if err := newFlagSet(&o).Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			p := plugin{&o}
			sh := shape{traffic: true, global: globalKeys(true), persist: persistentDirector(tt.services, tt.persistent, tt.realServers)}
			out := secondRun(t, p, sh, func(minute uint64) serviceWalk {
				return netlinkDirector(tt.services, tt.realServers, minute, false)
			})
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if got := len(lines) + sh.global; got != tt.keys {
				t.Errorf("%d keys with the global ones, want %d:\n%s", got, tt.keys, out.String())
			}
			if o.Budget.Max > 0 && len(lines)+sh.global > o.Budget.Max {
				t.Errorf("%d keys over -max-metrics %d", len(lines)+sh.global, o.Budget.Max)
			}
			persist := 0
			for _, l := range lines {
				if strings.Contains(l, ".persistent_conns.") {
					persist++
					if want := fmt.Sprintf("p.TCP_10_0_0_%d_80.persistent_conns.10_1_%d_", tt.services-1, tt.services-1); !strings.HasPrefix(l, want) && tt.persistent == 1 {
						t.Errorf("persistent_conns of a service without persistence: %s", l)
					}
				}
			}
			if persist != tt.persistKeys {
				t.Errorf("%d persistent_conns keys, want %d:\n%s", persist, tt.persistKeys, out.String())
			}
			last := tt.services - 1
			if want := fmt.Sprintf("p.TCP_10_0_0_%d_80.persistent_conns.10_1_%d_3_80\t%d\t", last, last, last+3); tt.persistent > 0 && !strings.Contains(out.String(), want) {
				t.Errorf("no %q:\n%s", want, out.String())
			}
		})
	}
}

// -persistent-conns is opt-in and needs netlink.
func TestPersistentConnsFlag(t *testing.T) {
	for _, tt := range []struct {
		args []string
		on   bool
		err  string
	}{
		{nil, false, ""},
		{[]string{"-persistent-conns"}, true, ""},
		{[]string{"--persistent-conns", "-source", "netlink"}, true, ""},
		{[]string{"-persistent-conns", "-source", "procfs"}, true, "-persistent-conns needs the netlink source, not -source procfs"},
	} {
		var o options
		if err := newFlagSet(&o).Parse(tt.args); err != nil {
			t.Fatal(err)
		}
		err := o.validate()
		if o.persistentConns != tt.on || (err == nil) != (tt.err == "") || err != nil && err.Error() != tt.err {
			t.Errorf("%q: on %v, error %v; want %v, %q", tt.args, o.persistentConns, err, tt.on, tt.err)
		}
	}
}
