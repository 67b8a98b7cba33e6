package checkipvs

import (
	"encoding/binary"
	"net/netip"
	"strconv"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// poolHash fingerprints the table as read: every service and every real
// server with its weight, in table order. The memory is rewritten only
// when the fingerprint differs from the remembered one, so that a run on
// an unchanged table of 100,000 real servers reads one line of state and
// writes nothing. A change of order alone also rewrites it, harmlessly.
type poolHash struct{ h uint64 }

func newPoolHash() poolHash { return poolHash{h: 0x6a09e667f3bcc908} }

func (p *poolHash) mix(x uint64) {
	p.h ^= x
	p.h *= 0x9e3779b97f4a7c15
	p.h ^= p.h >> 29
}

func (p *poolHash) mixAddr(a netip.Addr) {
	b := a.As16()
	p.mix(binary.LittleEndian.Uint64(b[:8]))
	p.mix(binary.LittleEndian.Uint64(b[8:]) ^ uint64(a.BitLen()))
}

// addService mixes in a service line; its real servers follow, each by
// addRealServer.
func (p *poolHash) addService(svc *procnet.Service) {
	var proto uint64
	for i := 0; i < len(svc.Protocol); i++ {
		proto = proto<<8 | uint64(svc.Protocol[i])
	}
	p.mix(proto)
	p.mixAddr(svc.Addr)
	p.mix(uint64(svc.Port)<<32 | uint64(svc.FirewallMark))
	p.mix(uint64(len(svc.RealServers)))
}

// addRealServer mixes in one real server, the weight in a step of its own
// and an IPv4 address beside its port in another: every step is a
// bijection of the state and no field overlaps another in a word, so one
// change of one field always changes the fingerprint
// (FuzzPoolHashOneChange). Packing the weight in too let a weight above
// 65535 overlap the address.
func (p *poolHash) addRealServer(rs *procnet.RealServer) {
	if rs.Addr.Is4() {
		// Address and port side by side in one word: neither overlaps.
		a := rs.Addr.As4()
		p.mix(uint64(binary.BigEndian.Uint32(a[:])) | uint64(rs.Port)<<32 | 4<<48)
	} else {
		p.mixAddr(rs.Addr)
		p.mix(uint64(rs.Port))
	}
	p.mix(uint64(rs.Weight))
}

func (p poolHash) String() string { return strconv.FormatUint(p.h, 16) }

// pool is the memory being rewritten: the body lists every real server in
// the table with its last non-zero weight, one service after another; the
// header lists what a run on an unchanged table needs, the removed real
// servers and the last weights of those at weight 0.
type pool struct {
	body        []byte
	lastService serviceSpec
	started     bool
	removed     []stateMember
	weights     []stateMember
	// removedServices are the services gone from the table, still
	// remembered.
	removedServices []stateService
}

// addService starts a service of the table in the body, real servers
// or not: a service remembered without any is still missed when it goes.
func (p *pool) addService(spec serviceSpec) {
	p.started, p.lastService = true, spec
	p.body = append(p.body, "S "...)
	p.body = append(p.body, spec.key()...)
	p.body = append(p.body, '\n')
}

func (p *pool) addPresent(spec serviceSpec, rs netip.AddrPort, weight, last uint32) {
	if !p.started || spec != p.lastService {
		p.addService(spec)
	}
	p.body = appendHexAddrPort(p.body, rs)
	p.body = append(p.body, ' ')
	p.body = strconv.AppendUint(p.body, uint64(last), 10)
	p.body = append(p.body, '\n')
	if weight == 0 && last > 0 {
		p.weights = append(p.weights, stateMember{Service: spec.key(), RealServer: rs.String(), Weight: last})
	}
}

func (p *pool) addRemoved(spec serviceSpec, mbs []member) {
	for _, mb := range mbs {
		p.removed = append(p.removed, stateMember{Service: spec.key(), RealServer: mb.RealServer.String(),
			Weight: mb.LastWeight, LastSeen: mb.LastSeen})
	}
}
