package ipvs

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"slices"
	"strings"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/internal/statefile"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// A read of the table is not a snapshot (procnet.IPVSTable.Confirm): a
// service deleted earlier in the table while it is read makes the reader
// skip another. Each run remembers the set of services it read, as a
// count and an order-free fingerprint in the state; when this read's set
// differs, the list of the previous run's services (a file beside the
// state, rewritten only when the set changes) says which are missing, and
// each is read again with a targeted read before the run does without it,
// so that its graphs have no gap and other and the totals no dip. An
// unchanged set costs a hash per service and nothing else.

const (
	rememberedCount = "services.count"
	rememberedHigh  = "services.fingerprint.high" // two halves: a float64 holds 53 bits
	rememberedLow   = "services.fingerprint.low"
	// servicesSuffix names the list of the services beside the state.
	servicesSuffix = ".services"
	// maxServicesFile bounds what is read of that list.
	maxServicesFile = 64 << 20
)

// confirmer reads services again (procnet.IPVSTable).
type confirmer interface {
	Confirm(ids []procnet.IPVSServiceID, fn func(*procnet.Service, *procnet.IPVSCounters, []procnet.IPVSCounters) error) (string, error)
}

// serviceSet is the services of one read, in a slice of keys without
// pointers (nothing for the garbage collector to scan): a set is built
// only when the read differs from the previous run's.
type serviceSet struct {
	ids  []idKey
	sum  uint64 // the sum of idHash over ids: free of their order
	seen map[idKey]bool
}

// idKey is an IPVSServiceID packed: the protocol's name (at most 8
// bytes: TCP, ICMPv6, IP_255), the address, port, mark and family.
type idKey [8 + 16 + 1 + 2 + 4 + 1]byte

func keyOfID(id procnet.IPVSServiceID) idKey {
	var k idKey
	copy(k[:8], id.Protocol)
	a := id.Addr.As16()
	copy(k[8:24], a[:])
	k[24] = byte(id.Addr.BitLen() / 32) // 0 invalid, 1 IPv4, 4 IPv6
	binary.BigEndian.PutUint16(k[25:27], id.Port)
	binary.BigEndian.PutUint32(k[27:31], id.Mark)
	if id.IPv6 {
		k[31] = 1
	}
	return k
}

func (k idKey) id() procnet.IPVSServiceID {
	id := procnet.IPVSServiceID{Protocol: strings.TrimRight(string(k[:8]), "\x00"),
		Port: binary.BigEndian.Uint16(k[25:27]), Mark: binary.BigEndian.Uint32(k[27:31]), IPv6: k[31] == 1}
	switch k[24] {
	case 1:
		id.Addr = netip.AddrFrom4([4]byte(k[20:24]))
	case 4:
		id.Addr = netip.AddrFrom16([16]byte(k[8:24]))
	}
	return id
}

func (s *serviceSet) add(id procnet.IPVSServiceID) {
	k := keyOfID(id)
	if s.seen != nil {
		if s.seen[k] {
			return
		}
		s.seen[k] = true
	}
	s.ids = append(s.ids, k)
	s.sum += idHash(&k)
}

// dedupe keeps each service once (a read lists one twice when another is
// added meanwhile); from then on add keeps the set.
func (s *serviceSet) dedupe() {
	s.seen = make(map[idKey]bool, len(s.ids))
	ids := s.ids
	s.ids, s.sum = s.ids[:0:0], 0
	for _, k := range ids {
		s.add(k.id())
	}
}

// idHash mixes the key a 64-bit word at a time: the same in every run,
// and no allocation per service.
func idHash(k *idKey) uint64 {
	h := uint64(0x6a09e667f3bcc908)
	for i := 0; i < len(k); i += 8 {
		h ^= binary.LittleEndian.Uint64(k[i : i+8])
		h *= 0x9e3779b97f4a7c15
		h ^= h >> 29
	}
	return h
}

// confirmingWalk reads the table with read, then the services the
// previous run read that read missed, with a targeted read (t.Confirm),
// and remembers the services read for the next run.
func confirmingWalk(w *metricout.Writer, t confirmer, read serviceWalk) serviceWalk {
	return func(fn serviceFunc) error {
		var set serviceSet
		if n, ok := w.Recall(rememberedCount); ok && n >= 0 && n < 1<<24 {
			set.ids = make([]idKey, 0, int(n)+16) // no growing: fresh memory is dear
		}
		visit := func(s *procnet.Service, traffic *procnet.IPVSCounters, rsTraffic []procnet.IPVSCounters) {
			set.add(s.ID())
			fn(s, traffic, rsTraffic)
		}
		if err := read(visit); err != nil {
			return err
		}
		if !sameSet(w, &set) {
			set.dedupe()
			if !sameSet(w, &set) {
				confirmMissing(w, t, &set, visit)
			}
		}
		w.Remember(rememberedCount, float64(len(set.ids)))
		w.Remember(rememberedHigh, float64(set.sum>>32))
		w.Remember(rememberedLow, float64(set.sum&(1<<32-1)))
		return nil
	}
}

// confirmMissing reads again the services of the previous run's list that
// set lacks, hands those found to visit, and rewrites the list when the
// set still differs.
func confirmMissing(w *metricout.Writer, t confirmer, set *serviceSet, visit serviceFunc) {
	if w.StateRefused() {
		return // no memory this run, and the list beside it is no safer
	}
	remembered, err := loadServices(w.StatePath() + servicesSuffix)
	if err != nil {
		w.Warnf("%s: %v: a service this read missed is not read again", name, err)
	}
	var missing []procnet.IPVSServiceID
	for _, id := range remembered {
		if !set.seen[keyOfID(id)] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		if _, err := t.Confirm(missing, func(s *procnet.Service, traffic *procnet.IPVSCounters, rsTraffic []procnet.IPVSCounters) error {
			visit(s, traffic, rsTraffic)
			return nil
		}); err != nil {
			w.Warnf("%s: services this read missed: %v", name, err)
		}
	}
	if !sameSet(w, set) {
		if err := saveServices(w.StatePath()+servicesSuffix, set.ids); err != nil {
			w.Warnf("%s: %v: a service the next read misses is not read again", name, err)
		}
	}
}

// sameSet reports whether set is the set the previous run remembered.
func sameSet(w *metricout.Writer, set *serviceSet) bool {
	n, ok1 := w.Recall(rememberedCount)
	hi, ok2 := w.Recall(rememberedHigh)
	lo, ok3 := w.Recall(rememberedLow)
	return ok1 && ok2 && ok3 && n == float64(len(set.ids)) && uint64(hi)<<32|uint64(lo) == set.sum
}

// loadServices reads the list of the previous run's services: one
// IPVSServiceID.String per line. None is no list.
func loadServices(path string) ([]procnet.IPVSServiceID, error) {
	f, err := statefile.Open(path, maxServicesFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []procnet.IPVSServiceID
	sc := bufio.NewScanner(io.LimitReader(f, maxServicesFile))
	for n := 1; sc.Scan(); n++ {
		id, err := procnet.ParseIPVSServiceID(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", path, n, err)
		}
		out = append(out, id)
	}
	return out, sc.Err()
}

func saveServices(path string, ids []idKey) error {
	lines := make([]string, 0, len(ids))
	for _, k := range ids {
		lines = append(lines, k.id().String())
	}
	slices.Sort(lines)
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return statefile.WriteAtomic(path, []byte(b.String()))
}
