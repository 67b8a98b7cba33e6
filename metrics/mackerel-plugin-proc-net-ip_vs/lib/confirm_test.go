package ipvs

import (
	"bytes"
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// fakeConfirmer finds services again in a table, as a targeted read does.
type fakeConfirmer struct {
	services []procnet.Service
	lookups  int
}

func (f *fakeConfirmer) Confirm(ids []procnet.IPVSServiceID, fn func(*procnet.Service, *procnet.IPVSCounters, []procnet.IPVSCounters) error) (string, error) {
	for _, id := range ids {
		f.lookups++
		for i := range f.services {
			if f.services[i].ID() == id {
				if err := fn(&f.services[i], nil, nil); err != nil {
					return "", err
				}
			}
		}
	}
	return "targeted reads", nil
}

// A service the read skips (another one deleted earlier in the table
// meanwhile) or lists twice is still written once, whole: no gap in its
// graphs, no dip in other or in the sums; and nothing is read again when
// nothing is missing.
func TestChurnLosesNoService(t *testing.T) {
	var svcs []procnet.Service
	for i := range 300 {
		svcs = append(svcs, procnet.Service{Protocol: "TCP", Addr: netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), Port: 80,
			RealServers: []procnet.RealServer{{Addr: netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), Port: 80, Weight: 1, ActiveConns: uint64(i)}}})
	}
	tests := []struct {
		args         []string
		skip, repeat int // in the second run's read; -1 none
		wantLookups  int
	}{
		{nil, -1, -1, 0},
		{nil, 7, -1, 1},
		{nil, 250, 3, 1},
		{[]string{"-max-metrics", "0"}, 7, 7, 1},
		{[]string{"-max-metrics", "0"}, -1, 9, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%v skip %d repeat %d", tt.args, tt.skip, tt.repeat), func(t *testing.T) {
			var o options
			if err := newFlagSet(&o).Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			p := plugin{&o}
			state := filepath.Join(t.TempDir(), "s.json")
			f := &fakeConfirmer{services: svcs}
			var outs []string
			for run := range 2 {
				read := func(fn serviceFunc) error {
					for i := range svcs {
						if run == 1 && i == tt.skip {
							continue
						}
						fn(&svcs[i], nil, nil)
						if run == 1 && i == tt.repeat {
							fn(&svcs[i], nil, nil)
						}
					}
					return nil
				}
				var out, errs bytes.Buffer
				w := metricout.NewWriter(&out, &errs, "p", state, time.Unix(1_800_000_000+60*int64(run), 0))
				if !p.writeServices(w, confirmingWalk(w, f, read), shape{global: globalKeys(false)}) {
					t.Fatal("writeServices failed")
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				outs = append(outs, sortedLines(out.String()))
			}
			if outs[0] != outs[1] {
				t.Errorf("the second run, read while the table churned, differs from the first:\n%s\n---\n%s", outs[0], outs[1])
			}
			if f.lookups != tt.wantLookups {
				t.Errorf("%d targeted reads, want %d", f.lookups, tt.wantLookups)
			}
		})
	}
}

func sortedLines(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i], _, _ = strings.Cut(l, "\t1800") // without the time
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

func TestIDKeyRoundTrip(t *testing.T) {
	for _, s := range []string{"TCP 10.0.0.1:80", "UDP [2001:db8::1]:53", "ICMPv6 [::ffff:10.0.0.1]:0", "IP_255 10.0.0.3:0", "FWM 1", "FWM 4294967295 IPv6"} {
		id, err := procnet.ParseIPVSServiceID(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := keyOfID(id).id(); got != id {
			t.Errorf("%s: read back as %s (%+v)", s, got, got)
		}
	}
}
