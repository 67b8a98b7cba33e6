package procnet

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// NeighTable is a neighbour table as rtnetlink RTM_GETNEIGHTBL reports it
// (what `ip -s ntable show` prints). Unlike net/stat/*_cache and the
// gc_thresh sysctls, which exist only in the initial network namespace,
// rtnetlink answers in any namespace, and it describes the one global
// table shared by all of them.
type NeighTable struct {
	Name   string // "arp_cache" or "ndisc_cache"
	Thresh GCThresh
	// KeyLen and EntrySize are ndtc_key_len and ndtc_entry_size.
	KeyLen, EntrySize uint16
	// Stats.Entries is ndtc_entries: the whole table, every namespace,
	// permanent entries included, as in net/stat/arp_cache. The counters
	// are the kernel's own sums over CPUs; UnresolvedDiscards and CPURows
	// are not in the reply and stay zero. HasTableFulls is false when the
	// reply carries no statistics or a struct too short for table_fulls.
	Stats NeighCacheStats
	// HasStats is false when the reply carried no NDTA_STATS.
	HasStats bool
}

// Attribute types of RTM_NEWNEIGHTBL (include/uapi/linux/neighbour.h).
const (
	ndtaName    = 1 // char *
	ndtaThresh1 = 2 // u32
	ndtaThresh2 = 3 // u32
	ndtaThresh3 = 4 // u32
	ndtaConfig  = 5 // struct ndt_config
	ndtaParms   = 6 // nested NDTPA_*, skipped
	ndtaStats   = 7 // struct ndt_stats

	sizeofNdtmsg    = 4  // struct ndtmsg: family u8, pad1 u8, pad2 u16
	sizeofNdtConfig = 32 // struct ndt_config
	// struct ndt_stats is 11 u64s; table_fulls is the last one.
	ndtStatsCount = 11
)

var addressFamilies = [...]uint8{Inet: linuxAFInet, Inet6: linuxAFInet6}

func (f Family) addressFamily() uint8 { return addressFamilies[f.known()] }

// parseNeighTableMsg parses the body of one RTM_NEWNEIGHTBL message. It
// reports ok only for the family's table-wide message, the one with the
// thresholds; per-device parameter messages carry only a name and
// NDTA_PARMS and are skipped.
func parseNeighTableMsg(body []byte, f Family) (nt NeighTable, ok bool, err error) {
	if len(body) < sizeofNdtmsg {
		return nt, false, errors.New("truncated ndtmsg")
	}
	if body[0] != f.addressFamily() {
		return nt, false, nil
	}
	ne := binary.NativeEndian
	var haveThresh3, haveConfig bool
	a := nlAttrs{b: body[nlmAlign(sizeofNdtmsg):]}
	for a.next() {
		atyp, v := a.typ, a.val
		switch atyp {
		case ndtaName:
			nt.Name = cString(v)
		case ndtaThresh1, ndtaThresh2, ndtaThresh3:
			if len(v) < 4 {
				return nt, false, fmt.Errorf("attribute %d: %d bytes, want 4", atyp, len(v))
			}
			t := uint64(ne.Uint32(v))
			switch atyp {
			case ndtaThresh1:
				nt.Thresh.Thresh1 = t
			case ndtaThresh2:
				nt.Thresh.Thresh2 = t
			default:
				nt.Thresh.Thresh3 = t
				haveThresh3 = true
			}
		case ndtaConfig:
			if len(v) < 8 {
				return nt, false, fmt.Errorf("NDTA_CONFIG: %d bytes, want %d", len(v), sizeofNdtConfig)
			}
			nt.KeyLen = ne.Uint16(v[0:2])
			nt.EntrySize = ne.Uint16(v[2:4])
			nt.Stats.Entries = uint64(ne.Uint32(v[4:8]))
			haveConfig = true
		case ndtaStats:
			nt.HasStats = true
			nt.Stats.HasTableFulls = len(v) >= ndtStatsCount*8
			dst := [ndtStatsCount]*uint64{
				&nt.Stats.Allocs, &nt.Stats.Destroys, &nt.Stats.HashGrows,
				&nt.Stats.ResFailed, &nt.Stats.Lookups, &nt.Stats.Hits,
				&nt.Stats.RcvProbesMcast, &nt.Stats.RcvProbesUcast,
				&nt.Stats.PeriodicGCRuns, &nt.Stats.ForcedGCRuns,
				&nt.Stats.TableFulls,
			}
			for i, d := range dst {
				if len(v) < (i+1)*8 {
					break
				}
				*d = ne.Uint64(v[i*8:])
			}
		case ndtaParms:
			// Per-device (and default) parameters: not needed here.
		}
	}
	if a.err != nil {
		return nt, false, a.err
	}
	if nt.Name != f.TableName() || !haveThresh3 || !haveConfig {
		return NeighTable{}, false, nil
	}
	return nt, true, nil
}
