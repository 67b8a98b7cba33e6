package procnet

import (
	"errors"
	"fmt"
)

// ipvsNetlinkSource names the IPVS generic netlink family as a source.
const ipvsNetlinkSource = "IPVS generic netlink"

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
	// RealServerPersistConns[i] is the number of persistence templates
	// (sticky clients) that point to RealServers[i]: what `ipvsadm -Ln
	// --persistent-conn` shows as PersistConn. Only a persistent service
	// has any; net/ip_vs does not show them.
	RealServerPersistConns []uint32

	af, proto uint16 // as the kernel gave them, to name the service in a request
}

// IPVSSyncDaemon is one running IPVS connection-synchronisation daemon.
type IPVSSyncDaemon struct {
	State     string // "master" or "backup"
	Interface string // the multicast interface
	SyncID    uint32
}

// IPVSNetlink is a connection to the IPVS generic netlink family. It
// answers for the network namespace it was opened in and needs
// CAP_NET_ADMIN.
type IPVSNetlink struct {
	conn    genlConn
	family  uint16
	version uint8
	req     []byte // a GET_DEST request, reused
}

// genlConn is what a generic netlink client needs of the kernel: the
// real one is a NETLINK_GENERIC nlSocket, the tests put a fake kernel
// (genltest) in its place.
type genlConn interface {
	// family resolves a generic netlink family name to its id and
	// version; a family the kernel does not have gives ENOENT.
	family(name string) (id uint16, version uint8, err error)
	// dump sends a dump request of cmd with the attributes attrs and
	// calls fn with the attributes of every message of the answer.
	dump(family uint16, version, cmd uint8, attrs []byte, fn func(attrs []byte) error) error
	// get sends a request of cmd that is not a dump and calls fn with
	// the attributes of its answer.
	get(family uint16, version, cmd uint8, attrs []byte, fn func(attrs []byte) error) error
	Close() error
}

// Close closes the connection.
func (c *IPVSNetlink) Close() error { return c.conn.Close() }

// Services dumps every service with its counters; with realServers it
// also dumps each service's real servers, one request per service on the
// same socket and buffers (what ipvsadm -Ln does).
func (c *IPVSNetlink) Services(realServers bool) ([]NetlinkService, error) {
	var out []NetlinkService
	err := c.WalkServices(func(s *NetlinkService) error {
		out = append(out, *s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if realServers {
		for i := range out {
			if err := c.readRealServers(&out[i]); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// WalkServices calls fn for every service of one service dump, with its
// counters and without its real servers, as the messages stream by: the
// *NetlinkService is reused for the next service, so fn must copy what
// it keeps. An error from fn stops the walk and is returned.
func (c *IPVSNetlink) WalkServices(fn func(*NetlinkService) error) error {
	var s NetlinkService
	err := c.conn.dump(c.family, c.version, ipvsCmdGetService, nil, func(msg []byte) error {
		svc, err := nestedIn(msg, ipvsCmdAttrService)
		if err != nil {
			return fmt.Errorf("service message: %w", err)
		}
		if svc == nil {
			return errors.New("service message without a service")
		}
		if err := decodeService(svc, &s); err != nil {
			return fmt.Errorf("service message: %w", err)
		}
		return fn(&s)
	})
	if err != nil {
		return fmt.Errorf("%s: services: %w", ipvsNetlinkSource, err)
	}
	return nil
}

// ReadRealServers dumps the real servers of s, a service of a dump
// (Services or a copy of WalkServices' service), into s.RealServers,
// RealServerStats and RealServerPersistConns, replacing what they held.
// One targeted dump, answered from one lock hold for a small service.
func (c *IPVSNetlink) ReadRealServers(s *NetlinkService) error {
	s.RealServers, s.RealServerStats, s.RealServerPersistConns = s.RealServers[:0], s.RealServerStats[:0], s.RealServerPersistConns[:0]
	return c.readRealServers(s)
}

// readRealServers dumps the real servers of s.
func (c *IPVSNetlink) readRealServers(s *NetlinkService) error {
	c.req = appendServiceRequest(c.req[:0], s)
	err := c.conn.dump(c.family, c.version, ipvsCmdGetDest, c.req, func(msg []byte) error {
		dest, err := nestedIn(msg, ipvsCmdAttrDest)
		if err != nil || dest == nil {
			return err
		}
		s.RealServers = append(s.RealServers, RealServer{})
		s.RealServerStats = append(s.RealServerStats, IPVSCounters{})
		s.RealServerPersistConns = append(s.RealServerPersistConns, 0)
		n := len(s.RealServers) - 1
		return decodeDest(dest, s.af, &s.RealServers[n], &s.RealServerStats[n], &s.RealServerPersistConns[n])
	})
	if err != nil {
		return fmt.Errorf("%s: real servers of %s: %w", ipvsNetlinkSource, s.describe(), err)
	}
	return nil
}

// SyncDaemons dumps the running sync daemons: none, a master, a backup or
// both.
func (c *IPVSNetlink) SyncDaemons() ([]IPVSSyncDaemon, error) {
	var out []IPVSSyncDaemon
	err := c.conn.dump(c.family, c.version, ipvsCmdGetDaemon, nil, func(msg []byte) error {
		d, err := nestedIn(msg, ipvsCmdAttrDaemon)
		if err != nil || d == nil {
			return err
		}
		out = append(out, IPVSSyncDaemon{})
		return decodeDaemon(d, &out[len(out)-1])
	})
	if err != nil {
		return nil, fmt.Errorf("%s: sync daemons: %w", ipvsNetlinkSource, err)
	}
	return out, nil
}
