package procnet

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

func TestARPEntriesMixedStates(t *testing.T) {
	got, err := NewFS("../testdata/arp-mixed-states").ARPEntries()
	if err != nil {
		t.Fatal(err)
	}
	a := netip.MustParseAddr
	want := []ARPEntry{
		{a("10.0.0.1"), 1, 0x2, "52:54:00:12:34:56", "*", "eth0"},
		{a("10.0.0.9"), 1, 0x0, "00:00:00:00:00:00", "*", "eth0"},
		{a("10.0.0.20"), 1, 0x6, "02:00:00:00:00:14", "*", "eth1"},
		{a("10.0.0.21"), 1, 0x6, "02:00:00:00:00:15", "*", "eth1"},
		{a("192.168.100.5"), 0x20, 0x2, "80:00:00:48:fe:80:00:00:00", "*", "ib0"},
		{a("10.9.0.2"), 0xfffe, 0x2, "", "*", "wg0"},
		{a("10.0.0.50"), 1, 0xc, "00:00:00:00:00:00", "*", "*"},
		{a("10.0.0.51"), 1, 0xc, "00:00:00:00:00:00", "*", "eth0"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
	states := []ARPState{ARPComplete, ARPIncomplete, ARPPermanent, ARPPermanent, ARPComplete, ARPComplete, ARPProxy, ARPProxy}
	for i, e := range got {
		if e.State() != states[i] {
			t.Errorf("row %d (%v flags %#x): state %v, want %v", i, e.IP, e.Flags, e.State(), states[i])
		}
	}
}

func TestCountARP(t *testing.T) {
	tests := []struct {
		root      string
		want      ARPCounts
		perDevice map[string]ARPCounts
	}{
		{"../testdata/arp-mixed-states",
			ARPCounts{Complete: 3, Incomplete: 1, Permanent: 2, Proxy: 2},
			map[string]ARPCounts{
				"eth0": {Complete: 1, Incomplete: 1, Proxy: 1},
				"eth1": {Permanent: 2},
				"ib0":  {Complete: 1},
				"wg0":  {Complete: 1},
				"*":    {Proxy: 1},
			}},
		{"../testdata/container",
			ARPCounts{Complete: 1, Incomplete: 1},
			map[string]ARPCounts{"eth0": {Complete: 1, Incomplete: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.root, func(t *testing.T) {
			got, err := NewFS(tt.root).CountARP()
			if err != nil {
				t.Fatal(err)
			}
			if got.ARPCounts != tt.want {
				t.Errorf("counts %+v, want %+v", got.ARPCounts, tt.want)
			}
			per := map[string]ARPCounts{}
			for d, c := range got.PerDevice {
				per[d] = *c
			}
			if !reflect.DeepEqual(per, tt.perDevice) {
				t.Errorf("per device %+v, want %+v", per, tt.perDevice)
			}
		})
	}
}

func TestARPErrors(t *testing.T) {
	const hdr = "IP address       HW type     Flags       HW address            Mask     Device\n"
	tests := []struct{ name, in, msg string }{
		{"empty", "", "empty file"},
		{"wrong header", "entries allocs\n", "not an ARP table"},
		{"four fields", hdr + "10.0.0.1 0x1 0x2 eth0\n", "arp:2: 4 fields"},
		{"bad flags", hdr + "10.0.0.1 0x1 0xZ 52:54:00:12:34:56 * eth0\n", "flags"},
		{"bad address", hdr + "10.0.0.256 0x1 0x2 52:54:00:12:34:56 * eth0\n", "IP address"},
		{"flags wider than 32 bits", hdr + "10.0.0.1 0x1 0x100000000 52:54:00:12:34:56 * eth0\n", "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseARPCounts(strings.NewReader(tt.in), "arp")
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("counting pass: error %v, want one mentioning %q", err, tt.msg)
			}
		})
	}
}
