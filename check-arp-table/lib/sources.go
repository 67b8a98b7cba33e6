package checkarptable

import (
	"errors"
	"fmt"
	iofs "io/fs"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// Names of the sources, as the message gives them.
const (
	sourceNetlink = "rtnetlink RTM_GETNEIGHTBL"
	sourceFlag    = "--gc-thresh3"
)

// sources is where the table's size and limit can come from.
type sources struct {
	fs procnet.FS
	// netlink asks the live kernel; nil when fs is not the live /proc, so
	// that a fixture tree is never mixed with live data.
	netlink func(procnet.Family) (procnet.NeighTable, error)
	// countARP reads this namespace's net/arp. Reading it costs seconds of
	// kernel time on a large table, so it is called only when needed.
	countARP func() (procnet.ARPSummary, error)
}

func newSources(fs procnet.FS) sources {
	s := sources{fs: fs, countARP: fs.CountARP}
	if fs.IsLive() {
		s.netlink = procnet.NeighTableFromNetlink
	}
	return s
}

// reading is what the sources told about the neighbour table.
type reading struct {
	Family procnet.Family
	// Count is the number of entries compared with the limit.
	Count uint64
	// Global is true when Count is the whole table (every namespace), false
	// when it is the rows of this namespace's net/arp.
	Global bool
	// Entries is the global count before refinement.
	Entries uint64

	Thresh3    uint64
	Thresh2    uint64 // 0 when unknown
	TableFulls uint64
	// HasTableFulls is false when the source does not count overflows.
	HasTableFulls bool

	CountSource  string
	ThreshSource string
	// HostFiles is true when the count and the limit both come from the
	// host's procfs files, the usual case the message need not spell out.
	HostFiles bool

	// Refined is true when PermanentExcluded permanent rows of this
	// namespace were taken out of Count.
	Refined           bool
	PermanentExcluded uint64
	// Notes are caveats for the message, such as a refinement skipped.
	Notes []string
}

// read finds the table's size and limit: net/stat/*_cache and the
// gc_thresh sysctls on a host; rtnetlink in a container; else the rows of
// net/arp against --gc-thresh3. userThresh3 (0 = none) wins over every
// source of the limit. It never reads net/arp unless that is the only
// source of the count.
func (s sources) read(fam procnet.Family, userThresh3 uint64) (reading, error) {
	r := reading{Family: fam}
	st, err := s.fs.NeighCacheStats(fam)
	if err == nil {
		r.Count, r.Entries, r.Global = st.Entries, st.Entries, true
		r.TableFulls, r.HasTableFulls = st.TableFulls, st.HasTableFulls
		r.CountSource = s.fs.Path(fam.StatFile())
		if err := s.limit(&r, userThresh3); err != nil {
			return r, err
		}
		r.HostFiles = r.ThreshSource == s.fs.Path(fam.NeighSysctlDir())
		return r, nil
	}
	if !errors.Is(err, iofs.ErrNotExist) {
		return r, err
	}
	statErr := err

	// Inside a container the stat file and the sysctls are hidden;
	// rtnetlink still describes the global table.
	var nlErr error
	if s.netlink != nil {
		nt, err := s.netlink(fam)
		if err == nil {
			r.Count, r.Entries, r.Global = nt.Stats.Entries, nt.Stats.Entries, true
			r.TableFulls, r.HasTableFulls = nt.Stats.TableFulls, nt.HasStats && nt.Stats.HasTableFulls
			r.CountSource = sourceNetlink
			if userThresh3 != 0 {
				r.Thresh3, r.Thresh2, r.ThreshSource = userThresh3, 0, sourceFlag
			} else {
				r.Thresh3, r.Thresh2, r.ThreshSource = nt.Thresh.Thresh3, nt.Thresh.Thresh2, sourceNetlink
			}
			return r, nil
		}
		nlErr = err
	}

	// Last resort: the rows of this namespace, which the table limit
	// applies to only if this namespace holds (nearly) all of them.
	if fam == procnet.Inet6 {
		return r, s.noSource(fmt.Sprintf("no count of the ndisc_cache: %v", statErr), nlErr)
	}
	// Know the limit before paying for the rows; rtnetlink already failed.
	noNetlink := s
	noNetlink.netlink = nil
	if err := noNetlink.limit(&r, userThresh3); err != nil {
		if errors.Is(err, iofs.ErrNotExist) {
			return r, s.noSource(fmt.Sprintf("%v, and gc_thresh3 unknown: give --gc-thresh3", statErr), nlErr)
		}
		return r, err
	}
	sum, err := s.countARP()
	if err != nil {
		if errors.Is(err, iofs.ErrNotExist) {
			return r, s.noSource(fmt.Sprintf("%v; %v", statErr, err), nlErr)
		}
		return r, err
	}
	r.Count = sum.Complete + sum.Incomplete
	kv, kerr := s.fs.KernelVersion()
	switch {
	case kerr != nil:
		r.Count += sum.Permanent
		r.Notes = append(r.Notes, fmt.Sprintf("permanent entries counted, kernel version unknown: %v", kerr))
	case kv.PermanentCountsAgainstLimit():
		r.Count += sum.Permanent
	}
	r.CountSource = s.fs.Path("net/arp") + " rows of this namespace only"
	return r, nil
}

// noSource is the error when no source of the count is left.
func (s sources) noSource(msg string, nlErr error) error {
	switch {
	case nlErr != nil:
		return fmt.Errorf("%s; %v", msg, nlErr)
	case s.netlink == nil && !s.fs.IsLive():
		return fmt.Errorf("%s (rtnetlink not asked: %s is not the live /proc)", msg, s.fs.Root())
	}
	return errors.New(msg)
}

// limit fills in gc_thresh3 (and gc_thresh2 when known): --gc-thresh3,
// else the sysctls, else rtnetlink when they are hidden.
func (s sources) limit(r *reading, userThresh3 uint64) error {
	th, err := s.fs.GCThresh(r.Family)
	if userThresh3 != 0 {
		r.Thresh3, r.ThreshSource = userThresh3, sourceFlag
		if err == nil {
			r.Thresh2 = th.Thresh2
		}
		return nil
	}
	if err == nil {
		r.Thresh3, r.Thresh2 = th.Thresh3, th.Thresh2
		r.ThreshSource = s.fs.Path(r.Family.NeighSysctlDir())
		return nil
	}
	if !errors.Is(err, iofs.ErrNotExist) {
		return err
	}
	if s.netlink == nil {
		return fmt.Errorf("gc_thresh3 unknown, give --gc-thresh3: %w", err)
	}
	nt, nerr := s.netlink(r.Family)
	if nerr != nil {
		return fmt.Errorf("gc_thresh3 unknown, give --gc-thresh3: %w; %v", err, nerr)
	}
	r.Thresh3, r.Thresh2, r.ThreshSource = nt.Thresh.Thresh3, nt.Thresh.Thresh2, sourceNetlink
	return nil
}

// refine takes this namespace's permanent entries out of a global count:
// since Linux 5.0 the kernel does not count them against gc_thresh3. It
// reads net/arp, so the caller calls it only at the warning level. A
// refinement that cannot be done leaves the (higher) global count and a
// note.
func (s sources) refine(r *reading) {
	if !r.Global || r.Family != procnet.Inet {
		return
	}
	kv, err := s.fs.KernelVersion()
	if err != nil {
		r.Notes = append(r.Notes, fmt.Sprintf("permanent entries not subtracted, kernel version unknown: %v", err))
		return
	}
	if kv.PermanentCountsAgainstLimit() {
		r.Notes = append(r.Notes, fmt.Sprintf("kernel %d.%d counts permanent entries against gc_thresh3", kv.Major, kv.Minor))
		return
	}
	sum, err := s.countARP()
	if err != nil {
		r.Notes = append(r.Notes, fmt.Sprintf("permanent entries not subtracted: %v", err))
		return
	}
	r.PermanentExcluded = min(sum.Permanent, r.Count)
	r.Count -= r.PermanentExcluded
	r.Refined = true
}
