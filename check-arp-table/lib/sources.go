package checkarptable

import (
	"errors"
	"fmt"
	iofs "io/fs"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// Names of the sources, as the message gives them.
const (
	sourceNetlink = procnet.NeighTableSource
	sourceFlag    = "--gc-thresh3"
)

// sources is where the table's size and limit can come from: the one
// neighbour-table reader of procnet, which decided the source.
type sources struct {
	nr procnet.NeighReader
	// rows reads this namespace's entries (a dump, or net/arp). Reading
	// net/arp costs seconds of kernel time on a large table, so it is
	// called only when needed.
	rows func(...procnet.Family) (procnet.NeighRows, error)
}

func newSources(fs procnet.FS) sources {
	return newSourcesFrom(procnet.NewNeighReader(fs, procnet.SourceAuto))
}

func newSourcesFrom(nr procnet.NeighReader) sources {
	return sources{nr: nr, rows: nr.Rows}
}

// reading is what the sources told about the neighbour table.
type reading struct {
	Family procnet.Family
	// Count is the number of entries compared with the limit.
	Count uint64
	// Global is true when Count is the whole table (every namespace), false
	// when it is the entries of this namespace.
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

	// Refined is true when PermanentExcluded entries of this namespace
	// that the kernel leaves out of its count were taken out of Count.
	Refined           bool
	PermanentExcluded uint64
	// ExtLearnedExcluded is how many of them are externally learned.
	ExtLearnedExcluded uint64
	// Notes are caveats for the message, such as a refinement skipped.
	Notes []string
}

// read finds the table's size and limit: net/stat/*_cache and the
// gc_thresh sysctls on a host; rtnetlink in a container; else the
// entries of this namespace against --gc-thresh3. userThresh3 (0 = none)
// wins over every source of the limit. It never reads the entries unless
// they are the only source of the count.
func (s sources) read(fam procnet.Family, userThresh3 uint64) (reading, error) {
	r := reading{Family: fam}
	t := s.nr.Table(fam)
	limitErr := s.limit(&r, t, userThresh3)
	if t.StatsErr == nil {
		if limitErr != nil {
			return r, limitErr
		}
		r.Count, r.Entries, r.Global = t.Stats.Entries, t.Stats.Entries, true
		r.TableFulls, r.HasTableFulls = t.Stats.TableFulls, t.Stats.HasTableFulls
		r.CountSource = t.StatsSource
		r.HostFiles = !t.StatsFromNetlink && r.ThreshSource == s.nr.FS.Path(fam.NeighSysctlDir())
		return r, nil
	}
	if !errors.Is(t.StatsErr, iofs.ErrNotExist) {
		return r, t.StatsErr
	}

	// Last resort: the entries of this namespace, which the table limit
	// applies to only if this namespace holds (nearly) all of them.
	if _, hasRows := fam.RowsFile(); !hasRows && s.nr.Source != procnet.SourceNetlink {
		return r, s.noSource(fmt.Sprintf("no count of the %s: %v", fam.TableName(), t.StatsErr))
	}
	if limitErr != nil {
		if errors.Is(limitErr, iofs.ErrNotExist) {
			return r, s.noSource(fmt.Sprintf("%v, and gc_thresh3 unknown: give --gc-thresh3", t.StatsErr))
		}
		return r, limitErr
	}
	rows, err := s.rows(fam)
	if err != nil {
		if errors.Is(err, iofs.ErrNotExist) {
			return r, s.noSource(fmt.Sprintf("%v; %v", t.StatsErr, err))
		}
		return r, err
	}
	if rows.FellBack != nil {
		r.Notes = append(r.Notes, fmt.Sprintf("rows of %s, the dump failed: %v", rows.Source, rows.FellBack))
	}
	counted, exempt := rowsCount(rows, fam)
	r.Count = counted
	kv, kerr := s.nr.FS.KernelVersion()
	switch {
	case kerr != nil:
		r.Count += exempt
		r.Notes = append(r.Notes, fmt.Sprintf("permanent entries counted, kernel version unknown: %v", kerr))
	case kv.PermanentCountsAgainstLimit():
		r.Count += exempt
	}
	r.CountSource = rows.Source + " rows of this namespace only"
	return r, nil
}

// rowsCount splits this namespace's entries into those the kernel counts
// against gc_thresh3 since 5.0 and those it leaves out. Proxy entries
// live outside the table.
func rowsCount(rows procnet.NeighRows, fam procnet.Family) (counted, exempt uint64) {
	if rows.Dump == nil {
		return rows.ARP.Complete + rows.ARP.Incomplete, rows.ARP.Permanent
	}
	c := rows.Dump.Family(fam)
	return c.Entries() - c.GCExempt, c.GCExempt
}

// noSource is the error when no source of the count is left.
func (s sources) noSource(msg string) error {
	if s.nr.Source != procnet.SourceNetlink {
		return fmt.Errorf("%s (rtnetlink not asked: %s is not the live /proc)", msg, s.nr.FS.Root())
	}
	return errors.New(msg)
}

// limit fills in gc_thresh3 (and gc_thresh2 when known): --gc-thresh3,
// else what the reader found (the sysctls, else rtnetlink when they are
// hidden).
func (s sources) limit(r *reading, t procnet.NeighTableReading, userThresh3 uint64) error {
	if userThresh3 != 0 {
		r.Thresh3, r.ThreshSource = userThresh3, sourceFlag
		// gc_thresh2 of the sysctls is shown beside the flag's limit; the
		// one of rtnetlink belongs to a limit the user chose to override.
		if t.ThreshErr == nil && t.ThreshSource != procnet.NeighTableSource {
			r.Thresh2 = t.Thresh.Thresh2
		}
		return nil
	}
	if t.ThreshErr != nil {
		return fmt.Errorf("gc_thresh3 unknown, give --gc-thresh3: %w", t.ThreshErr)
	}
	r.Thresh3, r.Thresh2, r.ThreshSource = t.Thresh.Thresh3, t.Thresh.Thresh2, t.ThreshSource
	return nil
}

// refine takes this namespace's permanent and externally learned
// entries out of a global count: since Linux 5.0 the kernel does not
// count them against gc_thresh3. It reads this namespace's entries (one
// rtnetlink dump, or net/arp without rtnetlink), so the caller calls it
// only at the warning level. A refinement that cannot be done leaves the
// (higher) global count and a note.
func (s sources) refine(r *reading) {
	if !r.Global || (r.Family != procnet.Inet && s.nr.Source != procnet.SourceNetlink) {
		return
	}
	kv, err := s.nr.FS.KernelVersion()
	if err != nil {
		r.Notes = append(r.Notes, fmt.Sprintf("permanent entries not subtracted, kernel version unknown: %v", err))
		return
	}
	if kv.PermanentCountsAgainstLimit() {
		r.Notes = append(r.Notes, fmt.Sprintf("kernel %d.%d counts permanent entries against gc_thresh3", kv.Major, kv.Minor))
		return
	}
	rows, err := s.rows(r.Family)
	if err != nil {
		r.Notes = append(r.Notes, fmt.Sprintf("permanent entries not subtracted: %v", err))
		return
	}
	_, exempt := rowsCount(rows, r.Family)
	if rows.Dump != nil {
		r.ExtLearnedExcluded = rows.Dump.Family(r.Family).ExtLearned
	}
	r.PermanentExcluded = min(exempt, r.Count)
	r.Count -= r.PermanentExcluded
	r.Refined = true
}
