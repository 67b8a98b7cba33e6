package procnet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/mdlayher/genetlink"
	"github.com/mdlayher/genetlink/genltest"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// The IPVS client against a fake kernel (genltest), so that its decoding
// and error paths run without root and without the ip_vs module; the
// real kernel is asked in internal/harness/e2e/realkernel.

// genltestConn is a genlConn on a fake kernel.
type genltestConn struct{ c *genetlink.Conn }

func (g genltestConn) family(name string) (uint16, uint8, error) {
	f, err := g.c.GetFamily(name)
	return f.ID, f.Version, err
}

func (g genltestConn) dump(family uint16, version, cmd uint8, attrs []byte, fn func([]byte) error) error {
	msgs, err := g.c.Execute(genetlink.Message{Header: genetlink.Header{Command: cmd, Version: version}, Data: attrs}, family, netlink.Request|netlink.Dump)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if err := fn(m.Data); err != nil {
			return err
		}
	}
	return nil
}

func (g genltestConn) get(family uint16, version, cmd uint8, attrs []byte, fn func([]byte) error) error {
	msgs, err := g.c.Execute(genetlink.Message{Header: genetlink.Header{Command: cmd, Version: version}, Data: attrs}, family, netlink.Request|netlink.Acknowledge)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if err := fn(m.Data); err != nil {
			return err
		}
	}
	return nil
}

func (g genltestConn) Close() error { return g.c.Close() }

var ipvsFamily = genetlink.Family{ID: 42, Version: 1, Name: "IPVS"}

// fakeIPVS is a kernel's IPVS table as generic netlink messages.
type fakeIPVS struct {
	services [][]byte            // IPVS_CMD_ATTR_SERVICE messages
	dests    map[uint16][][]byte // IPVS_CMD_ATTR_DEST messages by service port
	daemons  [][]byte
	// err is the errno a command fails with. It is returned as it is:
	// genltest marks the answer to a dump as its last part, which would
	// turn a netlink error message into a done message.
	err  map[uint8]error
	reqs []netip.AddrPort
}

func (k *fakeIPVS) serve(greq genetlink.Message, nreq netlink.Message) ([]genetlink.Message, error) {
	if nreq.Header.Type == 0 {
		return nil, nil // a read after the answer: nothing more queued
	}
	if nreq.Header.Type != netlink.HeaderType(ipvsFamily.ID) {
		return nil, genltest.Error(int(unix.EINVAL))
	}
	if err := k.err[greq.Header.Command]; err != nil {
		return nil, err
	}
	var out [][]byte
	switch greq.Header.Command {
	case ipvsCmdGetService:
		out = k.services
		if nreq.Header.Flags&netlink.Dump == 0 {
			found, err := k.lookup(greq.Data)
			if err != nil {
				return nil, err
			}
			out = [][]byte{found}
		}
	case ipvsCmdGetDest:
		ap, err := requestedService(greq.Data)
		if err != nil {
			return nil, err
		}
		k.reqs = append(k.reqs, ap)
		out = k.dests[ap.Port()]
	case ipvsCmdGetDaemon:
		out = k.daemons
	}
	msgs := make([]genetlink.Message, len(out))
	for i, b := range out {
		msgs[i] = genetlink.Message{Header: genetlink.Header{Command: greq.Header.Command, Version: 1}, Data: b}
	}
	return msgs, nil
}

// lookup answers a GET_SERVICE that names one service, as the kernel
// does: that service, or ESRCH.
func (k *fakeIPVS) lookup(req []byte) ([]byte, error) {
	b, err := nestedIn(req, ipvsCmdAttrService)
	if err != nil || b == nil {
		return nil, genltest.Error(int(unix.EINVAL))
	}
	var want NetlinkService
	if err := decodeService(b, &want); err != nil {
		return nil, err
	}
	for _, msg := range k.services {
		var s NetlinkService
		inner, _ := nestedIn(msg, ipvsCmdAttrService)
		if decodeService(inner, &s) == nil && s.ID() == want.ID() {
			return msg, nil
		}
	}
	return nil, genltest.Error(int(unix.ESRCH))
}

// requestedService reads the service a GET_DEST request names.
func requestedService(b []byte) (netip.AddrPort, error) {
	svc, err := nestedIn(b, ipvsCmdAttrService)
	if err != nil || svc == nil {
		return netip.AddrPort{}, fmt.Errorf("GET_DEST without a service: %v", err)
	}
	var s NetlinkService
	if err := decodeService(svc, &s); err != nil {
		return netip.AddrPort{}, err
	}
	return netip.AddrPortFrom(s.Addr, s.Port), nil
}

func encode(t *testing.T, typ uint16, fn func(ae *netlink.AttributeEncoder)) []byte {
	t.Helper()
	inner := netlink.NewAttributeEncoder()
	fn(inner)
	b, err := inner.Encode()
	if err != nil {
		t.Fatal(err)
	}
	outer := netlink.NewAttributeEncoder()
	outer.Bytes(typ|unix.NLA_F_NESTED, b)
	msg, err := outer.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

func stats64(conns, inPkts, outPkts, inBytes, outBytes uint64) func(*netlink.AttributeEncoder) error {
	return func(ae *netlink.AttributeEncoder) error {
		ae.Uint64(ipvsStatsAttrConns, conns)
		ae.Uint64(ipvsStatsAttrInPkts, inPkts)
		ae.Uint64(ipvsStatsAttrOutPkts, outPkts)
		ae.Uint64(ipvsStatsAttrInBytes, inBytes)
		ae.Uint64(ipvsStatsAttrOutBytes, outBytes)
		return nil
	}
}

func tcpService(t *testing.T, addr netip.Addr, port uint16) []byte {
	return encode(t, ipvsCmdAttrService, func(ae *netlink.AttributeEncoder) {
		af := uint16(unix.AF_INET)
		if addr.Is6() {
			af = unix.AF_INET6
		}
		a := addr.As16()
		if addr.Is4() {
			a4 := addr.As4()
			a = [16]byte{}
			copy(a[:], a4[:])
		}
		ae.Uint16(ipvsSvcAttrAF, af)
		ae.Uint16(ipvsSvcAttrProtocol, unix.IPPROTO_TCP)
		ae.Bytes(ipvsSvcAttrAddr, a[:])
		ae.Bytes(ipvsSvcAttrPort, binary.BigEndian.AppendUint16(nil, port))
		ae.String(ipvsSvcAttrSchedName, "wrr")
		ae.Bytes(ipvsSvcAttrFlags, make([]byte, 8))
		ae.Nested(ipvsSvcAttrStats64, stats64(1<<40, 1<<41, 1<<42, 1<<50, 1<<60))
	})
}

func dest(t *testing.T, af uint16, addr []byte, port uint16, weight, active uint32) []byte {
	return encode(t, ipvsCmdAttrDest, func(ae *netlink.AttributeEncoder) {
		ae.Bytes(ipvsDestAttrAddr, addr)
		ae.Uint16(ipvsDestAttrAddrFamily, af)
		ae.Bytes(ipvsDestAttrPort, binary.BigEndian.AppendUint16(nil, port))
		ae.Uint32(ipvsDestAttrFwdMethod, 3)
		ae.Uint32(ipvsDestAttrWeight, weight)
		ae.Uint32(ipvsDestAttrActiveConns, active)
		ae.Uint32(ipvsDestAttrInactConns, 7)
		ae.Uint32(ipvsDestAttrPersistConn, active+3)
		ae.Nested(ipvsDestAttrStats64, stats64(5, 30, 22, 2124, 7749))
	})
}

func dialFake(t *testing.T, k *fakeIPVS) (*IPVSNetlink, error) {
	t.Helper()
	c := genltest.Dial(genltest.ServeFamily(ipvsFamily, k.serve))
	nl, err := dialIPVS(genltestConn{c})
	if err != nil {
		c.Close()
	}
	return nl, err
}

func TestIPVSNetlinkFakeKernel(t *testing.T) {
	vip := netip.MustParseAddr("10.0.0.1")
	v6 := netip.MustParseAddr("2001:db8::1")
	k := &fakeIPVS{
		services: [][]byte{tcpService(t, vip, 80), tcpService(t, v6, 443), tcpService(t, vip, 8080)},
		dests: map[uint16][][]byte{
			80: {
				dest(t, unix.AF_INET, []byte{10, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 80, 100000, 0xffffffff),
				dest(t, unix.AF_INET, []byte{10, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 80, 0, 1),
			},
			443: {dest(t, unix.AF_INET, []byte{10, 0, 1, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 443, 1, 0)},
			// 8080: a service without real servers
		},
	}
	nl, err := dialFake(t, k)
	if err != nil {
		t.Fatal(err)
	}
	defer nl.Close()
	svcs, err := nl.Services(true)
	if err != nil {
		t.Fatal(err)
	}
	if len(svcs) != 3 {
		t.Fatalf("%d services, want 3", len(svcs))
	}
	wantStats := IPVSCounters{Conns: 1 << 40, InPackets: 1 << 41, OutPackets: 1 << 42, InBytes: 1 << 50, OutBytes: 1 << 60}
	for _, s := range svcs {
		if s.Stats != wantStats || s.Protocol != "TCP" || s.Scheduler != "wrr" {
			t.Errorf("service %s: %+v, want TCP wrr with 64-bit counters %+v", s.describe(), s, wantStats)
		}
	}
	want0 := []RealServer{
		{Addr: netip.MustParseAddr("10.0.1.2"), Port: 80, Forward: "Route", Weight: 100000, ActiveConns: 0xffffffff, InactiveConns: 7},
		{Addr: netip.MustParseAddr("10.0.1.3"), Port: 80, Forward: "Route", Weight: 0, ActiveConns: 1, InactiveConns: 7},
	}
	if !reflect.DeepEqual(svcs[0].RealServers, want0) {
		t.Errorf("real servers of %s:\n got %+v\nwant %+v", svcs[0].describe(), svcs[0].RealServers, want0)
	}
	if st := (IPVSCounters{5, 30, 22, 2124, 7749}); len(svcs[0].RealServerStats) != 2 || svcs[0].RealServerStats[1] != st {
		t.Errorf("real server counters %+v, want %+v each", svcs[0].RealServerStats, st)
	}
	if pc := svcs[0].RealServerPersistConns; !reflect.DeepEqual(pc, []uint32{2, 4}) {
		t.Errorf("persistent connections %v, want [2 4] (ACTIVE_CONNS+3 of each)", pc)
	}
	again := svcs[0]
	if err := nl.ReadRealServers(&again); err != nil || len(again.RealServers) != 2 || !reflect.DeepEqual(again.RealServerPersistConns, []uint32{2, 4}) {
		t.Errorf("ReadRealServers of a service read before: %v, %+v", err, again)
	}
	if rs := svcs[1].RealServers; len(rs) != 1 || rs[0].Addr != netip.MustParseAddr("10.0.1.4") {
		t.Errorf("IPv4 real server of the IPv6 service: %+v", rs)
	}
	if len(svcs[2].RealServers) != 0 || len(svcs[2].RealServerStats) != 0 {
		t.Errorf("service without real servers: %+v", svcs[2])
	}
	// the dump of Services(true), then the ReadRealServers above
	wantReqs := []netip.AddrPort{netip.AddrPortFrom(vip, 80), netip.AddrPortFrom(v6, 443), netip.AddrPortFrom(vip, 8080), netip.AddrPortFrom(vip, 80)}
	if !reflect.DeepEqual(k.reqs, wantReqs) {
		t.Errorf("GET_DEST requests named %v, want %v", k.reqs, wantReqs)
	}
}

func TestIPVSNetlinkFakeKernelErrors(t *testing.T) {
	svc := tcpService(t, netip.MustParseAddr("10.0.0.1"), 80)
	truncated := append([]byte(nil), svc...)
	binary.NativeEndian.PutUint16(truncated[0:2], uint16(len(truncated)+8)) // longer than the message
	shortPort := encode(t, ipvsCmdAttrService, func(ae *netlink.AttributeEncoder) {
		ae.Uint16(ipvsSvcAttrAF, unix.AF_INET)
		ae.Bytes(ipvsSvcAttrAddr, make([]byte, 16))
		ae.Bytes(ipvsSvcAttrPort, []byte{80})
	})
	shortCounter := encode(t, ipvsCmdAttrService, func(ae *netlink.AttributeEncoder) {
		ae.Uint16(ipvsSvcAttrAF, unix.AF_INET)
		ae.Bytes(ipvsSvcAttrAddr, make([]byte, 16))
		ae.Nested(ipvsSvcAttrStats64, func(nae *netlink.AttributeEncoder) error {
			nae.Uint32(ipvsStatsAttrConns, 1) // a 32-bit value where 64 bits belong
			return nil
		})
	})
	for _, tt := range []struct {
		name    string
		k       fakeIPVS
		rs      bool
		wantIs  error
		wantMsg string
	}{
		{name: "no permission (not root)", k: fakeIPVS{err: map[uint8]error{ipvsCmdGetService: unix.EPERM}},
			wantIs: os.ErrPermission, wantMsg: "IPVS generic netlink: services"},
		{name: "no permission for the real servers", k: fakeIPVS{services: [][]byte{svc}, err: map[uint8]error{ipvsCmdGetDest: unix.EPERM}},
			rs: true, wantIs: os.ErrPermission, wantMsg: "real servers of TCP 10.0.0.1:80"},
		{name: "truncated attribute", k: fakeIPVS{services: [][]byte{truncated}}, wantMsg: "malformed attribute"},
		{name: "port of one byte", k: fakeIPVS{services: [][]byte{shortPort}}, wantMsg: "service attribute 4: 1 bytes, want 2"},
		{name: "32-bit counter in STATS64", k: fakeIPVS{services: [][]byte{shortCounter}}, wantMsg: "4 bytes, want 8"},
		{name: "message without a service", k: fakeIPVS{services: [][]byte{{4, 0, 9, 0}}}, wantMsg: "without a service"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			nl, err := dialFake(t, &tt.k)
			if err != nil {
				t.Fatal(err)
			}
			defer nl.Close()
			_, err = nl.Services(tt.rs)
			if err == nil || (tt.wantIs != nil && !errors.Is(err, tt.wantIs)) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %v, want one mentioning %q (is %v)", err, tt.wantMsg, tt.wantIs)
			}
		})
	}
}

// A kernel without the IPVS family (the module not loaded) is
// ErrIPVSNotLoaded, which the plugins tell apart from other failures.
func TestDialIPVSFamilyMissing(t *testing.T) {
	c := genltest.Dial(func(genetlink.Message, netlink.Message) ([]genetlink.Message, error) {
		return nil, genltest.Error(int(unix.ENOENT))
	})
	if _, err := dialIPVS(genltestConn{c}); !errors.Is(err, ErrIPVSNotLoaded) {
		t.Errorf("dial without the family: %v, want ErrIPVSNotLoaded", err)
	}
}

func TestIPVSSyncDaemonsFakeKernel(t *testing.T) {
	daemon := func(state uint32, ifname string, id uint32) []byte {
		return encode(t, ipvsCmdAttrDaemon, func(ae *netlink.AttributeEncoder) {
			ae.Uint32(ipvsDaemonAttrState, state)
			ae.String(ipvsDaemonAttrMcastIfn, ifname)
			ae.Uint32(ipvsDaemonAttrSyncID, id)
		})
	}
	k := &fakeIPVS{daemons: [][]byte{daemon(ipvsStateMaster, "eth0", 5), daemon(ipvsStateBackup, "eth1", 6), daemon(9, "eth2", 7)}}
	nl, err := dialFake(t, k)
	if err != nil {
		t.Fatal(err)
	}
	defer nl.Close()
	got, err := nl.SyncDaemons()
	want := []IPVSSyncDaemon{{"master", "eth0", 5}, {"backup", "eth1", 6}, {"state 9", "eth2", 7}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("sync daemons %+v, %v; want %+v", got, err, want)
	}
}

func fwmService(t *testing.T, af uint16, mark uint32) []byte {
	return encode(t, ipvsCmdAttrService, func(ae *netlink.AttributeEncoder) {
		ae.Uint16(ipvsSvcAttrAF, af)
		ae.Uint32(ipvsSvcAttrFWMark, mark)
		ae.String(ipvsSvcAttrSchedName, "wrr")
		ae.Bytes(ipvsSvcAttrFlags, make([]byte, 8))
	})
}

// A targeted read finds one service, with its real servers, or says it is
// absent; the two fwmark services of one mark are two services.
func TestLookupServiceFakeKernel(t *testing.T) {
	vip := netip.MustParseAddr("10.0.0.1")
	k := &fakeIPVS{
		services: [][]byte{tcpService(t, vip, 80), fwmService(t, unix.AF_INET6, 1), tcpService(t, vip, 8080)},
		dests: map[uint16][][]byte{
			80: {dest(t, unix.AF_INET, []byte{10, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 80, 3, 1)},
		},
	}
	nl, err := dialFake(t, k)
	if err != nil {
		t.Fatal(err)
	}
	defer nl.Close()
	tests := []struct {
		id          IPVSServiceID
		found       bool
		realServers int
	}{
		{IPVSServiceID{Protocol: "TCP", Addr: vip, Port: 80}, true, 1},
		{IPVSServiceID{Protocol: "TCP", Addr: vip, Port: 8080}, true, 0},
		{IPVSServiceID{Protocol: "TCP", Addr: vip, Port: 81}, false, 0},
		{IPVSServiceID{Protocol: "UDP", Addr: vip, Port: 80}, false, 0},
		{IPVSServiceID{Protocol: "FWM", Mark: 1, IPv6: true}, true, 0},
		{IPVSServiceID{Protocol: "FWM", Mark: 1}, false, 0},
	}
	for _, tt := range tests {
		svc, found, err := nl.LookupService(tt.id)
		if err != nil || found != tt.found || len(svc.RealServers) != tt.realServers || (found && svc.ID() != tt.id) {
			t.Errorf("LookupService(%s) = %s with %d real servers, found %v, %v; want found %v with %d",
				tt.id, svc.ID(), len(svc.RealServers), found, err, tt.found, tt.realServers)
		}
	}
}
