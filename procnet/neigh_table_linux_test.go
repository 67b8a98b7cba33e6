package procnet

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// ipNtable runs `ip -s ntable show name TABLE` and returns the numeric
// fields of the table-wide block (the one with the thresholds), by name.
func ipNtable(t *testing.T, f Family) map[string]uint64 {
	t.Helper()
	ip, err := exec.LookPath("ip")
	if err != nil {
		t.Skip("iproute2 `ip` not found: cannot compare with `ip -s ntable show`")
	}
	out, err := exec.Command(ip, "-s", "-f", f.String(), "ntable", "show", "name", f.TableName()).Output()
	if err != nil {
		t.Fatalf("ip -s ntable show: %v", err)
	}
	for _, block := range strings.Split(string(out), "\n\n") {
		words := strings.Fields(block)
		if len(words) < 2 || words[1] != f.TableName() || !strings.Contains(block, "thresh3") {
			continue
		}
		vals := map[string]uint64{}
		for i := 0; i+1 < len(words); i++ {
			if v, err := strconv.ParseUint(words[i+1], 10, 64); err == nil {
				if _, seen := vals[words[i]]; !seen {
					vals[words[i]] = v
				}
			}
		}
		return vals
	}
	t.Fatalf("no table-wide %s block in `ip -s ntable show`:\n%s", f.TableName(), out)
	return nil
}

// counter returns the counter of st that `ip -s ntable` names key.
func counter(st NeighCacheStats, key string) uint64 {
	switch key {
	case "allocs":
		return st.Allocs
	case "destroys":
		return st.Destroys
	case "hash_grows":
		return st.HashGrows
	case "res_failed":
		return st.ResFailed
	case "lookups":
		return st.Lookups
	case "hits":
		return st.Hits
	case "periodic_gc_runs":
		return st.PeriodicGCRuns
	case "forced_gc_runs":
		return st.ForcedGCRuns
	case "table_fulls":
		return st.TableFulls
	}
	panic("unknown counter " + key)
}

var monotonicCounters = []string{"allocs", "destroys", "hash_grows", "res_failed", "lookups", "hits", "periodic_gc_runs", "forced_gc_runs", "table_fulls"}

func TestNeighTableFromNetlinkMatchesIP(t *testing.T) {
	testbin.SkipEmulated(t)
	for _, f := range []Family{Inet, Inet6} {
		t.Run(f.String(), func(t *testing.T) {
			// Counters move between the three reads: bracket ours between
			// two reads of ip; the gauge must match when ip saw no change.
			for attempt := 0; ; attempt++ {
				before := ipNtable(t, f)
				nt, err := NeighTableFromNetlink(f)
				if err != nil {
					t.Fatal(err)
				}
				after := ipNtable(t, f)

				if nt.Name != f.TableName() {
					t.Errorf("Name = %q, want %q", nt.Name, f.TableName())
				}
				for key, got := range map[string]uint64{
					"thresh1": nt.Thresh.Thresh1, "thresh2": nt.Thresh.Thresh2, "thresh3": nt.Thresh.Thresh3,
					"key_len": uint64(nt.KeyLen), "entry_size": uint64(nt.EntrySize),
				} {
					if got != after[key] {
						t.Errorf("%s = %d, ip says %d", key, got, after[key])
					}
				}
				if !nt.HasStats || !nt.Stats.HasTableFulls {
					t.Errorf("HasStats %v, HasTableFulls %v: want both on kernel %s", nt.HasStats, nt.Stats.HasTableFulls, kernelRelease(t))
				}
				for _, key := range monotonicCounters {
					if got := counter(nt.Stats, key); got < before[key] || got > after[key] {
						t.Errorf("%s = %d, ip says %d before and %d after", key, got, before[key], after[key])
					}
				}
				if before["entries"] != after["entries"] {
					if attempt < 5 {
						continue // the table changed under us: read again
					}
					t.Skipf("entries kept changing (%d, %d) during the comparison", before["entries"], after["entries"])
				}
				if nt.Stats.Entries != after["entries"] {
					t.Errorf("entries = %d, ip says %d", nt.Stats.Entries, after["entries"])
				}
				return
			}
		})
	}
}

func TestNeighTableFromNetlinkMatchesProcfs(t *testing.T) {
	testbin.SkipEmulated(t)
	fs := NewFS(defaultRoot)
	for _, f := range []Family{Inet, Inet6} {
		t.Run(f.String(), func(t *testing.T) {
			th, err := fs.GCThresh(f)
			if errors.Is(err, os.ErrNotExist) {
				t.Skip("gc_thresh sysctls hidden: not in the initial network namespace")
			}
			if err != nil {
				t.Fatal(err)
			}
			for attempt := 0; ; attempt++ {
				before, err := fs.NeighCacheStats(f)
				if err != nil {
					t.Fatal(err)
				}
				nt, err := NeighTableFromNetlink(f)
				if err != nil {
					t.Fatal(err)
				}
				after, err := fs.NeighCacheStats(f)
				if err != nil {
					t.Fatal(err)
				}
				if nt.Thresh != th {
					t.Errorf("thresholds %+v, sysctls say %+v", nt.Thresh, th)
				}
				for _, key := range monotonicCounters {
					if key == "table_fulls" && !after.HasTableFulls {
						continue
					}
					if got := counter(nt.Stats, key); got < counter(before, key) || got > counter(after, key) {
						t.Errorf("%s = %d, %s says %d before and %d after", key, got, f.statFile(), counter(before, key), counter(after, key))
					}
				}
				if before.Entries != after.Entries {
					if attempt < 5 {
						continue
					}
					t.Skipf("entries kept changing (%d, %d) during the comparison", before.Entries, after.Entries)
				}
				if nt.Stats.Entries != after.Entries {
					t.Errorf("entries = %d, %s says %d", nt.Stats.Entries, f.statFile(), after.Entries)
				}
				return
			}
		})
	}
}

// TestNeighTableFromNetlinkInNewNamespace checks the reason this source
// exists: in a fresh network namespace, where net/stat/arp_cache and the
// sysctls are hidden, rtnetlink still describes the global table.
func TestNeighTableFromNetlinkInNewNamespace(t *testing.T) {
	testbin.SkipEmulated(t)
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a network namespace (unshare CLONE_NEWNET)")
	}
	host, err := NeighTableFromNetlink(Inet)
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		nt        NeighTable
		statFound bool
		err       error
	}
	var r result
	// The thread changes namespace: it dies with its goroutine instead of
	// returning to the scheduler's pool.
	r.err = onThreadOfItsOwn(func() error { return unix.Unshare(unix.CLONE_NEWNET) }, func() error {
		_, statErr := os.Stat("/proc/thread-self/net/stat/arp_cache")
		r.statFound = statErr == nil
		var err error
		r.nt, err = NeighTableFromNetlink(Inet)
		return err
	})
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.statFound {
		t.Error("net/stat/arp_cache visible in a new network namespace: the premise of this source is wrong")
	}
	if r.nt.Thresh != host.Thresh || r.nt.KeyLen != host.KeyLen || r.nt.EntrySize != host.EntrySize {
		t.Errorf("in a new namespace: %+v, in ours: %+v", r.nt, host)
	}
	if r.nt.Stats.Allocs < host.Stats.Allocs {
		t.Errorf("allocs went back from %d to %d: not the global table", host.Stats.Allocs, r.nt.Stats.Allocs)
	}
}

func kernelRelease(t *testing.T) string {
	v, err := NewFS(defaultRoot).KernelVersion()
	if err != nil {
		return "(unknown)"
	}
	return v.Release
}

// Synthetic messages, built as the kernel's neightbl_fill_info and
// neightbl_fill_param_info build them.

func attr(typ uint16, v []byte) []byte {
	b := make([]byte, nlmAlign(4+len(v)))
	binary.NativeEndian.PutUint16(b[0:2], uint16(4+len(v)))
	binary.NativeEndian.PutUint16(b[2:4], typ)
	copy(b[4:], v)
	return b
}

func u32(v uint32) []byte { return binary.NativeEndian.AppendUint32(nil, v) }

func tableMsg(family uint8, name string, nstats int) []byte {
	b := []byte{family, 0, 0, 0}
	b = append(b, attr(ndtaName, append([]byte(name), 0))...)
	b = append(b, attr(ndtaThresh1, u32(128))...)
	b = append(b, attr(ndtaThresh2, u32(512))...)
	b = append(b, attr(ndtaThresh3, u32(1024))...)
	cfg := make([]byte, sizeofNdtConfig)
	binary.NativeEndian.PutUint16(cfg[0:], 4)
	binary.NativeEndian.PutUint16(cfg[2:], 336)
	binary.NativeEndian.PutUint32(cfg[4:], 850)
	binary.NativeEndian.PutUint32(cfg[28:], 3)
	b = append(b, attr(ndtaConfig, cfg)...)
	b = append(b, attr(ndtaParms, attr(1, u32(0)))...) // nested, skipped
	b = append(b, attr(9, make([]byte, 0))...)         // NDTA_PAD
	var st []byte
	for i := 1; i <= nstats; i++ {
		st = binary.NativeEndian.AppendUint64(st, uint64(i*100))
	}
	return append(b, attr(ndtaStats, st)...)
}

func TestParseNeighTableMsg(t *testing.T) {
	nt, ok, err := parseNeighTableMsg(tableMsg(unix.AF_INET, "arp_cache", ndtStatsCount), Inet)
	if err != nil || !ok {
		t.Fatalf("ok %v, err %v", ok, err)
	}
	want := NeighTable{Name: "arp_cache", Thresh: GCThresh{128, 512, 1024}, KeyLen: 4, EntrySize: 336, HasStats: true,
		Stats: NeighCacheStats{Entries: 850, Allocs: 100, Destroys: 200, HashGrows: 300, ResFailed: 400, Lookups: 500, Hits: 600,
			RcvProbesMcast: 700, RcvProbesUcast: 800, PeriodicGCRuns: 900, ForcedGCRuns: 1000, TableFulls: 1100, HasTableFulls: true}}
	if nt != want {
		t.Errorf("got  %+v\nwant %+v", nt, want)
	}

	// A stats struct from before table_fulls existed.
	nt, ok, err = parseNeighTableMsg(tableMsg(unix.AF_INET, "arp_cache", 10), Inet)
	if err != nil || !ok || nt.Stats.HasTableFulls || nt.Stats.ForcedGCRuns != 1000 {
		t.Errorf("short stats: %+v ok %v err %v", nt.Stats, ok, err)
	}

	// Per-device parameter messages and other families are skipped.
	dev := append([]byte{unix.AF_INET, 0, 0, 0}, attr(ndtaName, []byte("arp_cache\x00"))...)
	dev = append(dev, attr(ndtaParms, attr(1, u32(2)))...)
	for name, msg := range map[string][]byte{
		"per-device":   dev,
		"other family": tableMsg(unix.AF_INET6, "ndisc_cache", ndtStatsCount),
		"other table":  tableMsg(unix.AF_INET, "clip_arp_cache", ndtStatsCount),
	} {
		if _, ok, err := parseNeighTableMsg(msg, Inet); ok || err != nil {
			t.Errorf("%s: ok %v err %v, want skipped", name, ok, err)
		}
	}

	// Damage is an error, not a panic.
	bad := tableMsg(unix.AF_INET, "arp_cache", ndtStatsCount)
	binary.NativeEndian.PutUint16(bad[4:6], 0xfff0)
	for name, msg := range map[string][]byte{
		"truncated ndtmsg":   {unix.AF_INET},
		"attribute too long": bad,
		"short threshold":    append([]byte{unix.AF_INET, 0, 0, 0}, attr(ndtaThresh3, []byte{1, 2})...),
	} {
		if _, _, err := parseNeighTableMsg(msg, Inet); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func nlmsg(typ uint16, seq uint32, body []byte) []byte {
	b := make([]byte, unix.SizeofNlMsghdr, unix.SizeofNlMsghdr+len(body)+4)
	binary.NativeEndian.PutUint32(b[0:4], uint32(unix.SizeofNlMsghdr+len(body)))
	binary.NativeEndian.PutUint16(b[4:6], typ)
	binary.NativeEndian.PutUint32(b[8:12], seq)
	b = append(b, body...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func TestWalkNetlinkMessages(t *testing.T) {
	var types []uint16
	fn := func(typ, _ uint16, body []byte) error { types = append(types, typ); return nil }

	dgram := bytes.Join([][]byte{
		nlmsg(unix.RTM_NEWNEIGHTBL, 7, []byte{1, 2, 3}),
		nlmsg(unix.RTM_NEWNEIGHTBL, 8, nil), // another request's answer
		nlmsg(unix.NLMSG_DONE, 7, u32(0)),
	}, nil)
	done, err := walkNetlinkMessages(dgram, 7, 0, fn)
	if !done || err != nil || len(types) != 1 {
		t.Errorf("done %v err %v types %v", done, err, types)
	}

	errno := make([]byte, 4)
	e := -int32(unix.EPERM)
	binary.NativeEndian.PutUint32(errno, uint32(e))
	if _, err := walkNetlinkMessages(nlmsg(unix.NLMSG_ERROR, 7, errno), 7, 0, fn); !errors.Is(err, unix.EPERM) {
		t.Errorf("error message: %v, want EPERM", err)
	}
	if _, err := walkNetlinkMessages(nlmsg(unix.NLMSG_ERROR, 7, nil), 7, 0, fn); err == nil {
		t.Error("truncated error message: no error")
	}
	long := nlmsg(unix.RTM_NEWNEIGHTBL, 7, nil)
	binary.NativeEndian.PutUint32(long[0:4], 1000)
	if _, err := walkNetlinkMessages(long, 7, 0, fn); err == nil {
		t.Error("message longer than the datagram: no error")
	}
}

// FuzzParseNeighTableMsg feeds damaged replies to the attribute parser.
func FuzzParseNeighTableMsg(f *testing.F) {
	f.Add(tableMsg(unix.AF_INET, "arp_cache", ndtStatsCount))
	f.Add(tableMsg(unix.AF_INET6, "ndisc_cache", 3))
	f.Fuzz(func(t *testing.T, b []byte) {
		parseNeighTableMsg(b, Inet)
		parseNeighTableMsg(b, Inet6)
		walkNetlinkMessages(b, 0, 0, func(uint16, uint16, []byte) error { return nil })
	})
}
