package procnet

import (
	"testing"

	"github.com/mdlayher/netlink"
)

// encodeService is a service message as the kernel sends it, for the
// fuzz seeds.
func encodeService(tb testing.TB, fwmark uint32) []byte {
	tb.Helper()
	inner := netlink.NewAttributeEncoder()
	inner.Uint16(ipvsSvcAttrAF, linuxAFInet)
	if fwmark != 0 {
		inner.Uint32(ipvsSvcAttrFWMark, fwmark)
	} else {
		inner.Uint16(ipvsSvcAttrProtocol, ipprotoTCP)
		inner.Bytes(ipvsSvcAttrAddr, []byte{10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
		inner.Bytes(ipvsSvcAttrPort, []byte{0, 80})
	}
	inner.String(ipvsSvcAttrSchedName, "rr")
	inner.Bytes(ipvsSvcAttrFlags, []byte{1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff})
	inner.Uint32(ipvsSvcAttrTimeout, 300)
	inner.Bytes(ipvsSvcAttrNetmask, []byte{0xff, 0xff, 0xff, 0xff})
	inner.Nested(ipvsSvcAttrStats64, func(ae *netlink.AttributeEncoder) error {
		ae.Uint64(ipvsStatsAttrConns, 3)
		ae.Uint64(ipvsStatsAttrInBytes, 1<<40)
		return nil
	})
	b, err := inner.Encode()
	if err != nil {
		tb.Fatal(err)
	}
	outer := netlink.NewAttributeEncoder()
	outer.Bytes(ipvsCmdAttrService|nlaFNested, b)
	msg, err := outer.Encode()
	if err != nil {
		tb.Fatal(err)
	}
	return msg
}

func TestDecodeServiceMessage(t *testing.T) {
	svc, err := nestedIn(encodeService(t, 0), ipvsCmdAttrService)
	if err != nil || svc == nil {
		t.Fatalf("no service attribute: %v", err)
	}
	var s NetlinkService
	if err := decodeService(svc, &s); err != nil {
		t.Fatal(err)
	}
	if s.Protocol != "TCP" || s.Addr.String() != "10.0.0.1" || s.Port != 80 || s.Scheduler != "rr" || !s.Persistent ||
		s.TimeoutSeconds != 300 || s.PersistenceNetmask != 0xffffffff || s.Stats.Conns != 3 || s.Stats.InBytes != 1<<40 {
		t.Errorf("decoded %+v", s)
	}
}

// FuzzDecodeIPVSMessage: no message, however damaged, panics the
// decoders of services, real servers or daemons.
func FuzzDecodeIPVSMessage(f *testing.F) {
	f.Add(encodeService(f, 0))
	f.Add(encodeService(f, 7))
	f.Add([]byte{8, 0, 1, 0, 1, 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		var s NetlinkService
		var rs RealServer
		var st IPVSCounters
		var d IPVSSyncDaemon
		inner, _ := nestedIn(b, ipvsCmdAttrService)
		decodeService(inner, &s)
		decodeService(b, &s)
		var persist uint32
		decodeDest(b, linuxAFInet6, &rs, &st, &persist)
		decodeDaemon(b, &d)
		appendServiceRequest(nil, &s)
	})
}
