package procnet

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
)

// Commands and attributes of include/uapi/linux/ip_vs.h.
const (
	ipvsCmdGetService = 4
	ipvsCmdGetDest    = 8
	ipvsCmdGetDaemon  = 11

	ipvsCmdAttrService = 1
	ipvsCmdAttrDest    = 2
	ipvsCmdAttrDaemon  = 3

	ipvsSvcAttrAF        = 1
	ipvsSvcAttrProtocol  = 2
	ipvsSvcAttrAddr      = 3
	ipvsSvcAttrPort      = 4
	ipvsSvcAttrFWMark    = 5
	ipvsSvcAttrSchedName = 6
	ipvsSvcAttrFlags     = 7
	ipvsSvcAttrTimeout   = 8
	ipvsSvcAttrNetmask   = 9
	ipvsSvcAttrStats     = 10
	ipvsSvcAttrStats64   = 12

	ipvsDestAttrAddr        = 1
	ipvsDestAttrPort        = 2
	ipvsDestAttrFwdMethod   = 3
	ipvsDestAttrWeight      = 4
	ipvsDestAttrActiveConns = 7
	ipvsDestAttrInactConns  = 8
	ipvsDestAttrPersistConn = 9 // IPVS_DEST_ATTR_PERSIST_CONNS
	ipvsDestAttrStats       = 10
	ipvsDestAttrAddrFamily  = 11
	ipvsDestAttrStats64     = 12

	ipvsStatsAttrConns    = 1
	ipvsStatsAttrInPkts   = 2
	ipvsStatsAttrOutPkts  = 3
	ipvsStatsAttrInBytes  = 4
	ipvsStatsAttrOutBytes = 5

	ipvsDaemonAttrState    = 1
	ipvsDaemonAttrMcastIfn = 2
	ipvsDaemonAttrSyncID   = 3

	ipvsSvcFlagPersistent = 0x1
	ipvsSvcFlagOnePacket  = 0x4

	ipvsStateMaster = 1
	ipvsStateBackup = 2

	// Protocol numbers ip_vs_proto_name() names.
	ipprotoIP     = 0
	ipprotoICMP   = 1
	ipprotoTCP    = 6
	ipprotoUDP    = 17
	ipprotoICMPv6 = 58
	ipprotoSCTP   = 132
)

// nestedIn returns the value of the first attribute of type typ among the
// top-level attributes of a message, or nil.
func nestedIn(msg []byte, typ uint16) ([]byte, error) {
	a := nlAttrs{b: msg}
	for a.next() {
		if a.typ == typ {
			return a.val, nil
		}
	}
	return nil, a.err
}

// decodeService decodes the attributes of IPVS_CMD_ATTR_SERVICE.
func decodeService(b []byte, s *NetlinkService) error {
	*s = NetlinkService{Service: Service{RealServers: s.RealServers[:0]}, RealServerStats: s.RealServerStats[:0], RealServerPersistConns: s.RealServerPersistConns[:0]}
	var addr []byte
	var flags uint32
	a := nlAttrs{b: b}
	for a.next() {
		var err error
		switch a.typ {
		case ipvsSvcAttrAF:
			s.af, err = attrU16(a.val)
		case ipvsSvcAttrProtocol:
			s.proto, err = attrU16(a.val)
		case ipvsSvcAttrAddr:
			addr = a.val
		case ipvsSvcAttrPort:
			s.Port, err = attrBE16(a.val)
		case ipvsSvcAttrFWMark:
			s.FirewallMark, err = attrU32(a.val)
		case ipvsSvcAttrSchedName:
			s.Scheduler = internToken(cStringBytes(a.val), schedulers)
		case ipvsSvcAttrFlags:
			// struct ip_vs_flags: the flags, then the mask.
			flags, err = attrU32(a.val)
		case ipvsSvcAttrTimeout:
			s.TimeoutSeconds, err = attrU32(a.val)
		case ipvsSvcAttrNetmask:
			// net/ip_vs prints ntohl() of the stored value.
			s.PersistenceNetmask, err = attrBE32(a.val)
		case ipvsSvcAttrStats64:
			err = decodeStats(a.val, &s.Stats)
		}
		if err != nil {
			return fmt.Errorf("service attribute %d: %w", a.typ, err)
		}
	}
	if a.err != nil {
		return a.err
	}
	s.Persistent = flags&ipvsSvcFlagPersistent != 0
	s.OnePacket = flags&ipvsSvcFlagOnePacket != 0
	if !s.Persistent {
		s.PersistenceNetmask = 0 // net/ip_vs shows it only for a persistent service
	}
	if s.FirewallMark != 0 {
		s.Protocol = protoFWM
		s.FWMIPv6 = s.af == linuxAFInet6
	} else {
		s.Protocol = ipvsProtocolName(s.proto)
		ad, err := addrOf(s.af, addr)
		if err != nil {
			return fmt.Errorf("service address: %w", err)
		}
		s.Addr = ad
	}
	if s.Scheduler == "" {
		s.Scheduler = "none"
	}
	return nil
}

// decodeDest decodes the attributes of IPVS_CMD_ATTR_DEST of a real
// server of a service of family svcAF; persist gets its persistence
// templates (IPVS_DEST_ATTR_PERSIST_CONNS, 0 when the kernel omits it).
func decodeDest(b []byte, svcAF uint16, rs *RealServer, st *IPVSCounters, persist *uint32) error {
	af := svcAF
	var addr []byte
	a := nlAttrs{b: b}
	for a.next() {
		var err error
		switch a.typ {
		case ipvsDestAttrAddr:
			addr = a.val
		case ipvsDestAttrAddrFamily:
			af, err = attrU16(a.val)
		case ipvsDestAttrPort:
			rs.Port, err = attrBE16(a.val)
		case ipvsDestAttrFwdMethod:
			var m uint32
			m, err = attrU32(a.val)
			rs.Forward = ipvsForwardName(m)
		case ipvsDestAttrWeight:
			// The kernel takes any non-negative int here, above 65535 too.
			rs.Weight, err = attrU32(a.val)
		case ipvsDestAttrActiveConns:
			var v uint32
			v, err = attrU32(a.val)
			rs.ActiveConns = uint64(v)
		case ipvsDestAttrInactConns:
			var v uint32
			v, err = attrU32(a.val)
			rs.InactiveConns = uint64(v)
		case ipvsDestAttrPersistConn:
			*persist, err = attrU32(a.val)
		case ipvsDestAttrStats64:
			err = decodeStats(a.val, st)
		}
		if err != nil {
			return fmt.Errorf("real server attribute %d: %w", a.typ, err)
		}
	}
	if a.err != nil {
		return a.err
	}
	ad, err := addrOf(af, addr)
	if err != nil {
		return fmt.Errorf("real server address: %w", err)
	}
	rs.Addr = ad
	if rs.Forward == "" {
		rs.Forward = ipvsForwardName(0)
	}
	return nil
}

// decodeStats decodes IPVS_*_ATTR_STATS64.
func decodeStats(b []byte, st *IPVSCounters) error {
	a := nlAttrs{b: b}
	for a.next() {
		var dst *uint64
		switch a.typ {
		case ipvsStatsAttrConns:
			dst = &st.Conns
		case ipvsStatsAttrInPkts:
			dst = &st.InPackets
		case ipvsStatsAttrOutPkts:
			dst = &st.OutPackets
		case ipvsStatsAttrInBytes:
			dst = &st.InBytes
		case ipvsStatsAttrOutBytes:
			dst = &st.OutBytes
		default:
			continue
		}
		v, err := attrU64(a.val)
		if err != nil {
			return fmt.Errorf("counter %d: %w", a.typ, err)
		}
		*dst = v
	}
	return a.err
}

// decodeDaemon decodes IPVS_CMD_ATTR_DAEMON.
func decodeDaemon(b []byte, d *IPVSSyncDaemon) error {
	a := nlAttrs{b: b}
	for a.next() {
		switch a.typ {
		case ipvsDaemonAttrState:
			st, err := attrU32(a.val)
			if err != nil {
				return fmt.Errorf("daemon state: %w", err)
			}
			switch st {
			case ipvsStateMaster:
				d.State = "master"
			case ipvsStateBackup:
				d.State = "backup"
			default:
				d.State = "state " + strconv.FormatUint(uint64(st), 10)
			}
		case ipvsDaemonAttrMcastIfn:
			d.Interface = cString(a.val)
		case ipvsDaemonAttrSyncID:
			v, err := attrU32(a.val)
			if err != nil {
				return fmt.Errorf("daemon sync id: %w", err)
			}
			d.SyncID = v
		}
	}
	return a.err
}

// appendServiceRequest appends the request attribute that names s to the
// kernel (IPVS_CMD_ATTR_SERVICE with what ipvsadm sends: the family and
// the firewall mark, or the protocol, address and port).
func appendServiceRequest(b []byte, s *NetlinkService) []byte {
	start := len(b)
	b = appendAttr(b, ipvsCmdAttrService|nlaFNested, nil)
	b = appendAttr(b, ipvsSvcAttrAF, binary.NativeEndian.AppendUint16(nil, s.af))
	if s.FirewallMark != 0 {
		b = appendAttr(b, ipvsSvcAttrFWMark, binary.NativeEndian.AppendUint32(nil, s.FirewallMark))
	} else {
		b = appendAttr(b, ipvsSvcAttrProtocol, binary.NativeEndian.AppendUint16(nil, s.proto))
		a16 := s.Addr.As16()
		if s.Addr.Is4() {
			a4 := s.Addr.As4()
			a16 = [16]byte{}
			copy(a16[:], a4[:])
		}
		b = appendAttr(b, ipvsSvcAttrAddr, a16[:])
		b = appendAttr(b, ipvsSvcAttrPort, binary.BigEndian.AppendUint16(nil, s.Port))
	}
	binary.NativeEndian.PutUint16(b[start:], uint16(len(b)-start))
	return b
}

// addrOf reads a union nf_inet_addr of the family af.
func addrOf(af uint16, b []byte) (netip.Addr, error) {
	switch {
	case af == linuxAFInet && len(b) >= 4:
		return netip.AddrFrom4([4]byte(b[:4])), nil
	case af == linuxAFInet6 && len(b) >= 16:
		return netip.AddrFrom16([16]byte(b[:16])), nil
	}
	return netip.Addr{}, fmt.Errorf("family %d with %d address bytes", af, len(b))
}

// cStringBytes is b up to its NUL.
func cStringBytes(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

// ipvsProtocolName is the kernel's ip_vs_proto_name(): how net/ip_vs
// names a protocol.
func ipvsProtocolName(p uint16) string {
	switch p {
	case ipprotoIP:
		return "IP"
	case ipprotoTCP:
		return "TCP"
	case ipprotoUDP:
		return "UDP"
	case ipprotoSCTP:
		return "SCTP"
	case ipprotoICMP:
		return "ICMP"
	case ipprotoICMPv6:
		return "ICMPv6"
	}
	return "IP_" + strconv.Itoa(int(p))
}

// ipvsForwardName is the kernel's ip_vs_fwd_name().
func ipvsForwardName(method uint32) string {
	switch method & 0x7 {
	case 1:
		return "Local"
	case 2:
		return "Tunnel"
	case 3:
		return "Route"
	}
	return "Masq"
}

// describe names a service as check-ipvs does: TCP 10.0.0.1:80, FWM 7.
func (s *Service) describe() string { return s.ID().String() }
