package procnet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
)

// Service is one IPVS virtual service of net/ip_vs with its real servers.
type Service struct {
	// Protocol as printed: TCP, UDP, SCTP, IP_<n> for another protocol
	// number, or FWM for a firewall-mark service.
	Protocol     string
	Addr         netip.Addr // invalid for FWM services
	Port         uint16
	FirewallMark uint32 // FWM services only
	// FWMIPv6 tells the two fwmark services of one mark apart (the kernel
	// keys them by family and mark; net/ip_vs prints both alike): over
	// netlink it is the service's family; from net/ip_vs it is true when
	// every real server is IPv6, so a fwmark service with no real servers,
	// or with both families, reads as the IPv4 one (FWMFamilyFromFile).
	FWMIPv6    bool
	Scheduler  string // "none" when no scheduler is bound
	OnePacket  bool   // the "ops" flag
	Persistent bool
	// PersistenceTimeout is in jiffies, as printed: the kernel's HZ is not
	// exposed in /proc, so it cannot be turned into seconds here.
	PersistenceTimeout uint64
	PersistenceNetmask uint32 // as printed
	RealServers        []RealServer
}

// IsFWM reports whether s is a firewall-mark service.
func (s *Service) IsFWM() bool { return s.Protocol == protoFWM }

// RealServer is one destination of a Service.
type RealServer struct {
	Addr          netip.Addr // may be of another family than its service
	Port          uint16
	Forward       string // Masq, Local, Tunnel or Route
	Weight        uint32 // 0 means quiescent: no new connections
	ActiveConns   uint64
	InactiveConns uint64
}

const (
	// IPVSFile is the IPVS table's path below the procfs root.
	IPVSFile = "net/ip_vs"
	// ProtocolFWM is the Protocol of a firewall-mark service.
	ProtocolFWM = "FWM"

	ipvsFile = IPVSFile
	protoFWM = ProtocolFWM
)

// IPVSProtocols returns the protocol names the kernel prints in net/ip_vs
// (ip_vs_proto_name); any other protocol number is printed as IP_<n>.
func IPVSProtocols() []string { return append([]string(nil), protocols...) }

// IPVSProtocolName is the name both sources give the protocol number p:
// net/ip_vs prints ip_vs_proto_name(p), and the netlink reader names the
// number it receives the same way. AH (51) and ESP (50) have no name
// there: they are IP_51 and IP_50.
func IPVSProtocolName(p uint8) string { return ipvsProtocolName(uint16(p)) }

// WalkIPVS calls fn for every service of net/ip_vs, in file order. The
// *Service and its RealServers are reused for the next service: fn must
// copy what it keeps. An error from fn stops the walk and is returned.
func (fs FS) WalkIPVS(fn func(*Service) error) error {
	return fs.parseFile(ipvsFile, func(r io.Reader, name string) error {
		return parseIPVS(r, name, fn)
	})
}

// parseIPVS parses the net/ip_vs format from r; name is used in errors.
// It calls fn as WalkIPVS does.
func parseIPVS(r io.Reader, name string, fn func(*Service) error) error {
	s := newLineScanner(r, name)
	var svc Service
	svc.RealServers = make([]RealServer, 0, 64)
	have := false
	flush := func() error {
		if !have {
			return nil
		}
		have = false
		if svc.IsFWM() {
			svc.FWMIPv6 = FWMFamilyFromFile(svc.RealServers)
		}
		return fn(&svc)
	}
	if !s.next() {
		if err := s.err(); err != nil {
			return err
		}
		return &ParseError{File: name, Err: errors.New("empty file: no IP Virtual Server header")}
	}
	if !bytes.HasPrefix(bytes.TrimLeft(s.text(), " \t"), []byte("IP Virtual Server")) {
		return s.errorf("not an IP Virtual Server table: %.80q", s.text())
	}
	for s.next() {
		f := s.fields
		switch {
		case len(f) == 0:
			continue
		case string(f[0]) == "->":
			if len(f) > 1 && bytes.HasPrefix(f[1], []byte("RemoteAddress")) {
				continue // the real servers' column header
			}
			if !have {
				return s.errorf("real server line before any service")
			}
			// Parsed in place: copying the 56-byte RealServer out of a
			// return value and again into the slice took an eighth of
			// the walk (BENCHMARKS.md).
			svc.RealServers = append(svc.RealServers, RealServer{})
			if err := parseRealServer(f, &svc.RealServers[len(svc.RealServers)-1]); err != nil {
				return s.errorf("real server: %w", err)
			}
		case string(f[0]) == "Prot":
			continue // the services' column header
		default:
			if err := flush(); err != nil {
				return err
			}
			if err := parseService(f, &svc); err != nil {
				return s.errorf("service: %w", err)
			}
			have = true
		}
	}
	if err := s.err(); err != nil {
		return err
	}
	return flush()
}

// parseService fills svc from the fields of a service line, reusing its
// RealServers slice.
func parseService(f [][]byte, svc *Service) error {
	*svc = Service{RealServers: svc.RealServers[:0]}
	if len(f) < 3 {
		return fmt.Errorf("%d fields, want at least 3", len(f))
	}
	proto, err := internProtocol(f[0])
	if err != nil {
		return err
	}
	svc.Protocol = proto
	if proto == protoFWM {
		mark, err := parseHex(f[1], 32)
		if err != nil {
			return numberError("firewall mark", f[1], err)
		}
		svc.FirewallMark = uint32(mark)
	} else {
		svc.Addr, svc.Port, err = parseAddrPort(f[1])
		if err != nil {
			return err
		}
	}
	if !isWord(f[2]) {
		return fmt.Errorf("scheduler %.40q", f[2])
	}
	svc.Scheduler = internToken(f[2], schedulers)
	rest := f[3:]
	if len(rest) > 0 && string(rest[0]) == "ops" {
		svc.OnePacket = true
		rest = rest[1:]
	}
	if len(rest) > 0 && string(rest[0]) == "persistent" {
		if len(rest) < 3 {
			return errors.New("persistent without timeout and netmask")
		}
		t, err := parseDec(rest[1], 64)
		if err != nil {
			return numberError("persistence timeout", rest[1], err)
		}
		m, err := parseHex(rest[2], 32)
		if err != nil {
			return numberError("persistence netmask", rest[2], err)
		}
		svc.Persistent, svc.PersistenceTimeout, svc.PersistenceNetmask = true, t, uint32(m)
		rest = rest[3:]
	}
	if len(rest) > 0 {
		return fmt.Errorf("unexpected field %.40q", rest[0])
	}
	return nil
}

// parseRealServer fills rs, a zero RealServer, from the fields of a real
// server line.
func parseRealServer(f [][]byte, rs *RealServer) error {
	if len(f) != 6 {
		return fmt.Errorf("%d fields, want 6", len(f))
	}
	var err error
	if rs.Addr, rs.Port, err = parseAddrPort(f[1]); err != nil {
		return err
	}
	if !isWord(f[2]) {
		return fmt.Errorf("forward method %.40q", f[2])
	}
	rs.Forward = internToken(f[2], forwards)
	// The kernel accepts any non-negative int as a weight over netlink
	// (ipvsadm stops at 65535, keepalived does not).
	w, err := parseDec(f[3], 32)
	if err != nil {
		return numberError("weight", f[3], err)
	}
	rs.Weight = uint32(w)
	if rs.ActiveConns, err = parseConnCount(f[4]); err != nil {
		return numberError("active connections", f[4], err)
	}
	if rs.InactiveConns, err = parseConnCount(f[5]); err != nil {
		return numberError("inactive connections", f[5], err)
	}
	return nil
}

// parseConnCount parses a connection count as net/ip_vs prints it: %d of
// an atomic_t, which a race in the kernel's accounting can leave
// negative. Netlink sends the same atomic_t as a u32, so a negative count
// is read as netlink gives it (-1 is 4294967295) and the two sources
// agree.
func parseConnCount(b []byte) (uint64, error) {
	if len(b) > 1 && b[0] == '-' {
		v, err := parseDec(b[1:], 64)
		if err != nil {
			return 0, err
		}
		if v > 1<<31 {
			return 0, errNumberRange
		}
		return uint64(uint32(-int64(v))), nil
	}
	return parseDec(b, 64)
}

// parseAddrPort parses "0A000001:0050" or "[2001:0db8:...:0001]:0050".
func parseAddrPort(b []byte) (netip.Addr, uint16, error) {
	var addr netip.Addr
	var portText []byte
	if len(b) > 0 && b[0] == '[' {
		end := bytes.LastIndex(b, []byte("]:"))
		if end < 0 {
			return addr, 0, fmt.Errorf("address %.60q: no ]:port", b)
		}
		a, err := parseIPv6Hex(b[1:end])
		if err != nil {
			return addr, 0, fmt.Errorf("address %.60q: %w", b, err)
		}
		addr, portText = a, b[end+2:]
	} else {
		colon := bytes.IndexByte(b, ':')
		if colon != 8 {
			return addr, 0, fmt.Errorf("address %.60q: want 8 hex digits, colon, port", b)
		}
		v, err := parseHex(b[:8], 32)
		if err != nil {
			return addr, 0, numberError("address", b, err)
		}
		addr = netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
		portText = b[colon+1:]
	}
	p, err := parseHex(portText, 16)
	if err != nil {
		return addr, 0, numberError("port", portText, err)
	}
	return addr, uint16(p), nil
}

// parseIPv6Hex parses the kernel's %pI6 form: 8 groups of 4 hex digits.
func parseIPv6Hex(b []byte) (netip.Addr, error) {
	var a [16]byte
	if len(b) != 39 {
		return netip.Addr{}, errors.New("want 8 groups of 4 hex digits")
	}
	for g := 0; g < 8; g++ {
		part := b[g*5 : g*5+4]
		if g < 7 && b[g*5+4] != ':' {
			return netip.Addr{}, errors.New("want 8 groups of 4 hex digits")
		}
		v, err := parseHex(part, 16)
		if err != nil {
			return netip.Addr{}, err
		}
		a[2*g], a[2*g+1] = byte(v>>8), byte(v)
	}
	return netip.AddrFrom16(a), nil
}

var (
	protocols  = []string{"TCP", "UDP", "SCTP", protoFWM, "IP", "ICMP", "ICMPv6"}
	schedulers = []string{"none", "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos"}
	forwards   = []string{"Masq", "Local", "Tunnel", "Route"}
)

// internProtocol returns the protocol name, accepting the known names and
// IP_<n>.
func internProtocol(b []byte) (string, error) {
	for _, p := range protocols {
		if string(b) == p {
			return p, nil
		}
	}
	if len(b) > 3 && string(b[:3]) == "IP_" {
		if _, err := parseDec(b[3:], 8); err == nil {
			return string(b), nil
		}
	}
	return "", fmt.Errorf("unknown protocol %.40q", b)
}

// internToken returns a known token without allocating, or a copy of b.
func internToken(b []byte, known []string) string {
	for _, k := range known {
		if string(b) == k {
			return k
		}
	}
	return string(b)
}

// isWord reports whether b is a plain name: letters, digits, '_' and '-'.
func isWord(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
