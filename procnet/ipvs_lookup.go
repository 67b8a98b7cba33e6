package procnet

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
)

// LookupService reads one service and its real servers with a targeted
// read: GET_SERVICE names the service (the kernel answers from one hold
// of its lock, not by a dump that restarts at an index), then the GET_DEST
// dump of that service alone. found is false when the kernel has no such
// service.
func (c *IPVSNetlink) LookupService(id IPVSServiceID) (svc NetlinkService, found bool, err error) {
	req := NetlinkService{Service: Service{Protocol: id.Protocol, Addr: id.Addr, Port: id.Port, FirewallMark: id.Mark, FWMIPv6: id.IPv6}}
	if err := req.setKernelID(); err != nil {
		return svc, false, fmt.Errorf("%s: service %s: %w", ipvsNetlinkSource, req.describe(), err)
	}
	c.req = appendServiceRequest(c.req[:0], &req)
	got := 0
	err = c.conn.get(c.family, c.version, ipvsCmdGetService, c.req, func(msg []byte) error {
		b, err := nestedIn(msg, ipvsCmdAttrService)
		if err != nil || b == nil {
			return err
		}
		got++
		return decodeService(b, &svc)
	})
	switch {
	case errors.Is(err, syscall.ESRCH):
		return svc, false, nil
	case err != nil:
		return svc, false, fmt.Errorf("%s: service %s: %w", ipvsNetlinkSource, req.describe(), err)
	case got == 0:
		return svc, false, fmt.Errorf("%s: service %s: no service in the answer", ipvsNetlinkSource, req.describe())
	}
	if err := c.readRealServers(&svc); err != nil {
		// Deleted between the two requests: absent now.
		if errors.Is(err, syscall.ESRCH) {
			return svc, false, nil
		}
		return svc, false, err
	}
	return svc, true, nil
}

// setKernelID fills the family and protocol number that name s in a
// request.
func (s *NetlinkService) setKernelID() error {
	if s.IsFWM() {
		s.af = linuxAFInet
		if s.FWMIPv6 {
			s.af = linuxAFInet6
		}
		return nil
	}
	s.af = linuxAFInet6
	if s.Addr.Is4() {
		s.af = linuxAFInet
	}
	p, ok := ipvsProtocolNumber(s.Protocol)
	if !ok {
		return fmt.Errorf("protocol %q", s.Protocol)
	}
	s.proto = p
	return nil
}

// ipvsProtocolNumber is the inverse of ipvsProtocolName.
func ipvsProtocolNumber(name string) (uint16, bool) {
	for _, p := range []uint16{ipprotoIP, ipprotoICMP, ipprotoTCP, ipprotoUDP, ipprotoICMPv6, ipprotoSCTP} {
		if ipvsProtocolName(p) == name {
			return p, true
		}
	}
	if n, ok := strings.CutPrefix(name, "IP_"); ok {
		v, err := strconv.ParseUint(n, 10, 8)
		return uint16(v), err == nil
	}
	return 0, false
}

// Confirm reads again the services ids names, each with a targeted read
// when the kernel can be asked over netlink (the live procfs, as root),
// else with a second read of the file, and calls fn for each one found;
// fn is not called for an id absent again; it gets the service's traffic
// and its real servers' when netlink gave them, else nil. It says which
// read it took.
// A table read is not a snapshot (seq_file and netlink dumps restart at an
// index): a service deleted earlier in the table while it is read makes
// the reader skip another one, so an absence counts only when confirmed.
func (t *IPVSTable) Confirm(ids []IPVSServiceID, fn func(s *Service, traffic *IPVSCounters, rsTraffic []IPVSCounters) error) (how string, err error) {
	if len(ids) == 0 {
		return "", nil
	}
	want := make(map[IPVSServiceID]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	if nl := t.confirmConn(); nl != nil {
		for _, id := range ids {
			svc, found, err := nl.LookupService(id)
			if err != nil {
				break // the file is read for the rest
			}
			delete(want, id)
			if found {
				if err := fn(&svc.Service, &svc.Stats, svc.RealServerStats); err != nil {
					return "", err
				}
			}
		}
		if len(want) == 0 {
			return "targeted netlink reads", nil
		}
	}
	err = t.WalkFile(func(s *Service) error {
		id := s.ID()
		if !want[id] {
			return nil
		}
		delete(want, id)
		return fn(s, nil, nil)
	})
	return "a second read of " + t.Path(), err
}

// confirmConn is the netlink connection to confirm with: the table's, or
// one dialled now when the table is the live procfs; nil when netlink
// cannot be had.
func (t *IPVSTable) confirmConn() *IPVSNetlink {
	if t.nl != nil || t.file != "" || !t.fs.IsLive() || t.dialFailed {
		return t.nl
	}
	nl, err := DialIPVSIn(t.fs.NetNS())
	if err != nil {
		t.dialFailed = true
		return nil
	}
	t.nl = nl
	return nl
}

// String names the service as check-ipvs does.
func (id IPVSServiceID) String() string {
	if id.Protocol == protoFWM {
		s := "FWM " + strconv.FormatUint(uint64(id.Mark), 10)
		if id.IPv6 {
			s += " IPv6"
		}
		return s
	}
	return id.Protocol + " " + netip.AddrPortFrom(id.Addr, id.Port).String()
}
