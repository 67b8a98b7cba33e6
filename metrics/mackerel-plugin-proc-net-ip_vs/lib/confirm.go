package ipvs

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
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

// serviceSet is the services of one read, in a slice: a set is built
// only when the read differs from the previous run's.
type serviceSet struct {
	ids  []procnet.IPVSServiceID
	sum  uint64 // the sum of idHash over ids: free of their order
	seen map[procnet.IPVSServiceID]bool
}

func (s *serviceSet) add(id procnet.IPVSServiceID) {
	if s.seen != nil {
		if s.seen[id] {
			return
		}
		s.seen[id] = true
	}
	s.ids = append(s.ids, id)
	s.sum += idHash(id)
}

// dedupe keeps each service once (a read lists one twice when another is
// added meanwhile); from then on add keeps the set.
func (s *serviceSet) dedupe() {
	s.seen = make(map[procnet.IPVSServiceID]bool, len(s.ids))
	ids := s.ids
	s.ids, s.sum = s.ids[:0:0], 0
	for _, id := range ids {
		s.add(id)
	}
}

// idHash mixes the fields of id a 64-bit word at a time: the same in
// every run, and no allocation per service.
func idHash(id procnet.IPVSServiceID) uint64 {
	h := uint64(0x6a09e667f3bcc908)
	mix := func(x uint64) {
		h ^= x
		h *= 0x9e3779b97f4a7c15
		h ^= h >> 29
	}
	var proto uint64
	for i := 0; i < len(id.Protocol) && i < 8; i++ {
		proto = proto<<8 | uint64(id.Protocol[i])
	}
	mix(proto)
	a := id.Addr.As16()
	mix(binary.LittleEndian.Uint64(a[:8]))
	mix(binary.LittleEndian.Uint64(a[8:]) ^ uint64(id.Addr.BitLen()))
	v6 := uint64(0)
	if id.IPv6 {
		v6 = 1
	}
	mix(uint64(id.Port) | uint64(id.Mark)<<16 | v6<<48)
	return h
}

// confirmingWalk reads the table with read, then the services the
// previous run read that read missed, with a targeted read (t.Confirm),
// and remembers the services read for the next run.
func confirmingWalk(w *metricout.Writer, t confirmer, read serviceWalk) serviceWalk {
	return func(fn serviceFunc) error {
		var set serviceSet
		if n, ok := w.Recall(rememberedCount); ok && n >= 0 && n < 1<<24 {
			set.ids = make([]procnet.IPVSServiceID, 0, int(n)+16) // no growing: fresh memory is dear
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
	remembered, err := loadServices(w.StatePath() + servicesSuffix)
	if err != nil {
		w.Warnf("%s: %v: a service this read missed is not read again", name, err)
	}
	var missing []procnet.IPVSServiceID
	for _, id := range remembered {
		if !set.seen[id] {
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

func saveServices(path string, ids []procnet.IPVSServiceID) error {
	lines := make([]string, 0, len(ids))
	for _, id := range ids {
		lines = append(lines, id.String())
	}
	slices.Sort(lines)
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return statefile.WriteAtomic(path, []byte(b.String()))
}
