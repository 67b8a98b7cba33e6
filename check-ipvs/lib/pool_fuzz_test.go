package checkipvs

import (
	"net/netip"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// Any one change of a real server's address, port or weight changes the
// fingerprint: a run that misses it would keep the old memory.
func FuzzPoolHashOneChange(f *testing.F) {
	f.Add([]byte{10, 0, 0, 1}, uint16(80), uint32(1), uint8(0), uint32(65536))
	f.Add([]byte{10, 0, 0, 1}, uint16(80), uint32(10), uint8(2), uint32(10|1<<16))
	f.Add([]byte{0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, uint16(443), uint32(100000), uint8(1), uint32(0))
	f.Fuzz(func(t *testing.T, addr []byte, port uint16, weight uint32, field uint8, v uint32) {
		a, ok := netip.AddrFromSlice(addr)
		if !ok {
			return
		}
		svc := procnet.Service{Protocol: "TCP", Addr: netip.MustParseAddr("10.0.0.1"), Port: 80,
			RealServers: []procnet.RealServer{{Addr: netip.MustParseAddr("192.0.2.9"), Port: 8080, Weight: 5}, {Addr: a, Port: port, Weight: weight}}}
		changed := svc
		changed.RealServers = append([]procnet.RealServer(nil), svc.RealServers...)
		rs := &changed.RealServers[1]
		switch field % 3 {
		case 0:
			b := a.AsSlice()
			b[int(v)%len(b)] ^= byte(v>>8) | 1
			rs.Addr, _ = netip.AddrFromSlice(b)
		case 1:
			if uint16(v) == port {
				v++
			}
			rs.Port = uint16(v)
		case 2:
			if v == weight {
				v++
			}
			rs.Weight = v
		}
		if hashOf(&svc) == hashOf(&changed) {
			t.Fatalf("%+v and %+v give one fingerprint", svc.RealServers[1], changed.RealServers[1])
		}
	})
}

func hashOf(svc *procnet.Service) string {
	h := newPoolHash()
	h.addService(svc)
	for i := range svc.RealServers {
		h.addRealServer(&svc.RealServers[i])
	}
	return h.String()
}
