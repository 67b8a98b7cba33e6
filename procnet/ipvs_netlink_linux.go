package procnet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"time"

	"github.com/mdlayher/genetlink"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// IPVSNetlinkSource names the IPVS generic netlink family as a source.
const IPVSNetlinkSource = "IPVS generic netlink"

// ErrIPVSNotLoaded is returned by DialIPVS when the kernel has no IPVS
// generic netlink family: the ip_vs module is not loaded.
var ErrIPVSNotLoaded = errors.New("no IPVS generic netlink family (is the ip_vs module loaded?)")

// NetlinkService is a service read over generic netlink: the values
// net/ip_vs shows, and the traffic it does not.
type NetlinkService struct {
	// Service holds what net/ip_vs shows, except PersistenceTimeout:
	// netlink gives seconds (TimeoutSeconds), the file jiffies. Its
	// RealServers are read only when asked for.
	Service
	TimeoutSeconds uint32
	// Stats are the 64-bit counters `ipvsadm -Ln --stats` prints.
	Stats IPVSCounters
	// RealServerStats[i] are the counters of RealServers[i].
	RealServerStats []IPVSCounters
}

// IPVSSyncDaemon is one running IPVS connection-synchronisation daemon.
type IPVSSyncDaemon struct {
	State     string // "master" or "backup"
	Interface string // the multicast interface
	SyncID    uint32
}

// IPVSNetlink is a connection to the IPVS generic netlink family. It
// answers for the caller's network namespace and needs CAP_NET_ADMIN.
type IPVSNetlink struct {
	conn    *genetlink.Conn
	family  uint16
	version uint8
}

// DialIPVS connects to the IPVS family of the caller's network namespace.
func DialIPVS() (*IPVSNetlink, error) { return DialIPVSIn(nil) }

// DialIPVSIn connects to the IPVS family of the network namespace ns
// (nil: the caller's): the socket is opened inside it, and answers for it
// from any thread.
func DialIPVSIn(ns *NetNS) (*IPVSNetlink, error) {
	var c *genetlink.Conn
	var err error
	if ns == nil {
		c, err = genetlink.Dial(nil)
	} else {
		err = ns.do(func() (err error) {
			c, err = genetlink.Dial(nil)
			return err
		})
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", IPVSNetlinkSource, err)
	}
	f, err := c.GetFamily("IPVS")
	if err != nil {
		c.Close()
		if errors.Is(err, os.ErrNotExist) {
			return nil, ErrIPVSNotLoaded
		}
		return nil, fmt.Errorf("%s: %w", IPVSNetlinkSource, err)
	}
	// A kernel that never answers must not hang a plugin run by an agent.
	if err := c.SetReadDeadline(time.Now().Add(30 * time.Second)); err != nil {
		c.Close()
		return nil, fmt.Errorf("%s: %w", IPVSNetlinkSource, err)
	}
	return &IPVSNetlink{conn: c, family: f.ID, version: f.Version}, nil
}

// Close closes the connection.
func (c *IPVSNetlink) Close() error { return c.conn.Close() }

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
)

// Services dumps every service with its counters; with realServers it
// also dumps each service's real servers, one request per service,
// which costs far more than the service dump on a large table.
func (c *IPVSNetlink) Services(realServers bool) ([]NetlinkService, error) {
	msgs, err := c.dump(ipvsCmdGetService, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: services: %w", IPVSNetlinkSource, err)
	}
	out := make([]NetlinkService, 0, len(msgs))
	for _, m := range msgs {
		var s NetlinkService
		var svcAttrs []byte
		if err := decodeAttrs(m.Data, func(ad *netlink.AttributeDecoder) {
			if ad.Type() == ipvsCmdAttrService {
				svcAttrs = ad.Bytes()
				ad.Nested(func(nad *netlink.AttributeDecoder) error { return decodeService(nad, &s) })
			}
		}); err != nil {
			return nil, fmt.Errorf("%s: service message: %w", IPVSNetlinkSource, err)
		}
		if svcAttrs == nil {
			return nil, fmt.Errorf("%s: service message without a service", IPVSNetlinkSource)
		}
		if realServers {
			if err := c.readRealServers(&s, svcAttrs); err != nil {
				return nil, err
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// readRealServers dumps the real servers of s, whose service attributes
// (as the kernel sent them) identify it in the request.
func (c *IPVSNetlink) readRealServers(s *NetlinkService, svcAttrs []byte) error {
	ae := netlink.NewAttributeEncoder()
	ae.Bytes(ipvsCmdAttrService|unix.NLA_F_NESTED, svcAttrs)
	req, err := ae.Encode()
	if err != nil {
		return err
	}
	msgs, err := c.dump(ipvsCmdGetDest, req)
	if err != nil {
		return fmt.Errorf("%s: real servers of %s: %w", IPVSNetlinkSource, s.describe(), err)
	}
	for _, m := range msgs {
		var rs RealServer
		var st IPVSCounters
		if err := decodeAttrs(m.Data, func(ad *netlink.AttributeDecoder) {
			if ad.Type() == ipvsCmdAttrDest {
				ad.Nested(func(nad *netlink.AttributeDecoder) error { return decodeDest(nad, s.Addr, &rs, &st) })
			}
		}); err != nil {
			return fmt.Errorf("%s: real server of %s: %w", IPVSNetlinkSource, s.describe(), err)
		}
		s.RealServers = append(s.RealServers, rs)
		s.RealServerStats = append(s.RealServerStats, st)
	}
	return nil
}

// SyncDaemons dumps the running sync daemons: none, a master, a backup or
// both.
func (c *IPVSNetlink) SyncDaemons() ([]IPVSSyncDaemon, error) {
	msgs, err := c.dump(ipvsCmdGetDaemon, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: sync daemons: %w", IPVSNetlinkSource, err)
	}
	var out []IPVSSyncDaemon
	for _, m := range msgs {
		var d IPVSSyncDaemon
		if err := decodeAttrs(m.Data, func(ad *netlink.AttributeDecoder) {
			if ad.Type() != ipvsCmdAttrDaemon {
				return
			}
			ad.Nested(func(nad *netlink.AttributeDecoder) error {
				for nad.Next() {
					switch nad.Type() {
					case ipvsDaemonAttrState:
						switch st := nad.Uint32(); st {
						case ipvsStateMaster:
							d.State = "master"
						case ipvsStateBackup:
							d.State = "backup"
						default:
							d.State = fmt.Sprintf("state %d", st)
						}
					case ipvsDaemonAttrMcastIfn:
						d.Interface = nad.String()
					case ipvsDaemonAttrSyncID:
						d.SyncID = nad.Uint32()
					}
				}
				return nil
			})
		}); err != nil {
			return nil, fmt.Errorf("%s: sync daemon message: %w", IPVSNetlinkSource, err)
		}
		out = append(out, d)
	}
	return out, nil
}

func (c *IPVSNetlink) dump(cmd uint8, data []byte) ([]genetlink.Message, error) {
	msg := genetlink.Message{Header: genetlink.Header{Command: cmd, Version: c.version}, Data: data}
	return c.conn.Execute(msg, c.family, netlink.Request|netlink.Dump)
}

// decodeAttrs calls fn for each top-level attribute of a message.
func decodeAttrs(b []byte, fn func(*netlink.AttributeDecoder)) error {
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return err
	}
	for ad.Next() {
		fn(ad)
	}
	return ad.Err()
}

func decodeService(ad *netlink.AttributeDecoder, s *NetlinkService) error {
	var af uint16
	var addr []byte
	var proto uint16
	for ad.Next() {
		switch ad.Type() {
		case ipvsSvcAttrAF:
			af = ad.Uint16()
		case ipvsSvcAttrProtocol:
			proto = ad.Uint16()
		case ipvsSvcAttrAddr:
			addr = ad.Bytes()
		case ipvsSvcAttrPort:
			s.Port = binary.BigEndian.Uint16(pad(ad.Bytes(), 2))
		case ipvsSvcAttrFWMark:
			s.FirewallMark = ad.Uint32()
		case ipvsSvcAttrSchedName:
			s.Scheduler = ad.String()
		case ipvsSvcAttrFlags:
			flags := binary.NativeEndian.Uint32(pad(ad.Bytes(), 8))
			s.Persistent = flags&ipvsSvcFlagPersistent != 0
			s.OnePacket = flags&ipvsSvcFlagOnePacket != 0
		case ipvsSvcAttrTimeout:
			s.TimeoutSeconds = ad.Uint32()
		case ipvsSvcAttrNetmask:
			// net/ip_vs prints ntohl() of the stored value.
			s.PersistenceNetmask = binary.BigEndian.Uint32(pad(ad.Bytes(), 4))
		case ipvsSvcAttrStats64:
			ad.Nested(func(nad *netlink.AttributeDecoder) error { decodeStats(nad, &s.Stats); return nil })
		}
	}
	if !s.Persistent {
		s.PersistenceNetmask = 0 // net/ip_vs shows it only for a persistent service
	}
	if s.FirewallMark != 0 {
		s.Protocol = protoFWM
	} else {
		s.Protocol = ipvsProtocolName(proto)
		a, err := addrOf(af, addr)
		if err != nil {
			return fmt.Errorf("service address: %w", err)
		}
		s.Addr = a
	}
	if s.Scheduler == "" {
		s.Scheduler = "none"
	}
	return nil
}

func decodeDest(ad *netlink.AttributeDecoder, svcAddr netip.Addr, rs *RealServer, st *IPVSCounters) error {
	af := uint16(unix.AF_INET)
	if svcAddr.Is6() {
		af = unix.AF_INET6
	}
	var addr []byte
	for ad.Next() {
		switch ad.Type() {
		case ipvsDestAttrAddr:
			addr = ad.Bytes()
		case ipvsDestAttrAddrFamily:
			af = ad.Uint16()
		case ipvsDestAttrPort:
			rs.Port = binary.BigEndian.Uint16(pad(ad.Bytes(), 2))
		case ipvsDestAttrFwdMethod:
			rs.Forward = ipvsForwardName(ad.Uint32())
		case ipvsDestAttrWeight:
			rs.Weight = ad.Uint32()
		case ipvsDestAttrActiveConns:
			rs.ActiveConns = uint64(ad.Uint32())
		case ipvsDestAttrInactConns:
			rs.InactiveConns = uint64(ad.Uint32())
		case ipvsDestAttrStats64:
			ad.Nested(func(nad *netlink.AttributeDecoder) error { decodeStats(nad, st); return nil })
		}
	}
	a, err := addrOf(af, addr)
	if err != nil {
		return fmt.Errorf("real server address: %w", err)
	}
	rs.Addr = a
	return nil
}

func decodeStats(ad *netlink.AttributeDecoder, st *IPVSCounters) {
	for ad.Next() {
		switch ad.Type() {
		case ipvsStatsAttrConns:
			st.Conns = ad.Uint64()
		case ipvsStatsAttrInPkts:
			st.InPackets = ad.Uint64()
		case ipvsStatsAttrOutPkts:
			st.OutPackets = ad.Uint64()
		case ipvsStatsAttrInBytes:
			st.InBytes = ad.Uint64()
		case ipvsStatsAttrOutBytes:
			st.OutBytes = ad.Uint64()
		}
	}
}

// addrOf reads a union nf_inet_addr of the family af.
func addrOf(af uint16, b []byte) (netip.Addr, error) {
	switch {
	case af == unix.AF_INET && len(b) >= 4:
		return netip.AddrFrom4([4]byte(b[:4])), nil
	case af == unix.AF_INET6 && len(b) >= 16:
		return netip.AddrFrom16([16]byte(b[:16])), nil
	}
	return netip.Addr{}, fmt.Errorf("family %d with %d address bytes", af, len(b))
}

// pad returns b, or n zero bytes when b is shorter: a malformed attribute
// gives a zero value rather than a panic.
func pad(b []byte, n int) []byte {
	if len(b) < n {
		return make([]byte, n)
	}
	return b
}

// ipvsProtocolName is the kernel's ip_vs_proto_name(): how net/ip_vs
// names a protocol.
func ipvsProtocolName(p uint16) string {
	switch p {
	case unix.IPPROTO_IP:
		return "IP"
	case unix.IPPROTO_TCP:
		return "TCP"
	case unix.IPPROTO_UDP:
		return "UDP"
	case unix.IPPROTO_SCTP:
		return "SCTP"
	case unix.IPPROTO_ICMP:
		return "ICMP"
	case unix.IPPROTO_ICMPV6:
		return "ICMPv6"
	}
	return fmt.Sprintf("IP_%d", p)
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
func (s *Service) describe() string {
	if s.IsFWM() {
		return fmt.Sprintf("FWM %d", s.FirewallMark)
	}
	return s.Protocol + " " + netip.AddrPortFrom(s.Addr, s.Port).String()
}
