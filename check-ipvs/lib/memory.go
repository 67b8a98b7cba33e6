package checkipvs

import (
	"net/netip"
	"time"
)

// member is what the memory holds of one real server of a service: the
// pool as last seen, so that a real server the health checker removed
// from the table (keepalived's default, ldirectord's quiescent = no) is
// still counted, as out of rotation, until it returns.
type member struct {
	RealServer netip.AddrPort
	// LastWeight is the last non-zero weight seen for it, 0 if none was:
	// what it counts with in the weighted capacity while out of rotation.
	LastWeight uint32
	// Removed is true once it was found absent from the table; LastSeen
	// is then the time of the last run that saw it, in Unix seconds (a
	// table of 100,000 real servers is held in memory after a change).
	Removed  bool
	LastSeen int64
}

// memory is the remembered pool of every service, keyed by service, for
// the whole table whatever the flags select.
type memory struct {
	// services, when whole, has every service of the table at the last
	// change (a key for each, real servers or not); from the header
	// alone, only the real servers out of rotation.
	services map[serviceSpec][]member
	whole    bool
	// removedServices are the services confirmed gone, with the Unix
	// second they were last seen.
	removedServices map[serviceSpec]int64
	// seen is when the pool as remembered was last seen whole: the last
	// run's time. A remembered real server absent now was last seen then.
	seen time.Time
}

func (m *memory) add(spec serviceSpec, mb member) {
	if m.services == nil {
		m.services = map[serviceSpec][]member{}
	}
	m.services[spec] = append(m.services[spec], mb)
}

// serviceExpired reports whether a service removed and last seen at
// lastSeen is forgotten after keep (0: never).
func serviceExpired(lastSeen int64, now time.Time, keep time.Duration) bool {
	return keep > 0 && now.Sub(time.Unix(lastSeen, 0)) > keep
}

// expired reports whether mb, removed, has been gone longer than keep and
// is forgotten. keep 0 never forgets.
func expired(mb member, now time.Time, keep time.Duration) bool {
	return mb.Removed && keep > 0 && now.Sub(time.Unix(mb.LastSeen, 0)) > keep
}
