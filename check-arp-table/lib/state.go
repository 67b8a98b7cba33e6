package checkarptable

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/statefile"
)

// maxStateSize is the largest state file read: one JSON object with a
// boot id, a counter, a time and at most maxOverflowEvents overflow
// events of about 35 bytes.
const maxStateSize = 64 << 10

// maxOverflowEvents and maxWindow bound the overflow history: a day of
// runs a minute apart, each of which saw the table overflow.
const (
	maxOverflowEvents = 1440
	maxWindow         = 24 * time.Hour
)

// state is what one run leaves for the next: the table_fulls counter and
// the overflows seen within maxWindow, which every check definition of
// the table (other thresholds, other windows) reads alike.
type state struct {
	Program    string `json:"program"`
	Family     string `json:"family"`
	TableFulls uint64 `json:"table_fulls"`
	// BootID tells a reboot, after which the counter starts again.
	BootID    string          `json:"boot_id,omitempty"`
	Time      int64           `json:"time"`
	Overflows []overflowEvent `json:"overflows,omitempty"`
}

// overflowEvent is a run that saw table_fulls grow: when, and by how much.
type overflowEvent struct {
	Time  int64  `json:"time"`
	Count uint64 `json:"count"`
}

// overflows is the outcome of comparing table_fulls with the previous run.
type overflows struct {
	Known       bool   // the source counts table_fulls
	Total       uint64 // table_fulls now
	HasPrevious bool   // a usable previous value was found
	Previous    uint64
	// Reset is true when the counter started again (reboot): every
	// overflow it counts happened since, so after the previous check.
	Reset   bool
	SaveErr error
	// Untrusted is why the state file was refused (statefile.ErrUntrusted):
	// with SaveErr the path could not be taken back and the check is
	// UNKNOWN.
	Untrusted error
	// Window is how far back overflows count (--window), and InWindow
	// how many the kernel refused in it, this run's growth included.
	Window   time.Duration
	InWindow uint64
}

// Grew is the number of allocations refused since the previous run. After
// a reboot that is the whole count: the counter started at 0 after the
// previous check.
func (o overflows) Grew() uint64 {
	switch {
	case !o.Known || !o.HasPrevious:
		return 0
	case o.Reset || o.Total < o.Previous:
		return o.Total
	}
	return o.Total - o.Previous
}

// loadState reads the previous state. An absent, empty, corrupt or
// foreign file gives ok false: it is treated as absent and replaced. One
// that statefile.Open does not trust gives ok false and the reason.
func loadState(path, family string) (st state, ok bool, err error) {
	f, err := statefile.Open(path, maxStateSize)
	if errors.Is(err, statefile.ErrUntrusted) {
		return state{}, false, err
	}
	if err != nil {
		return state{}, false, nil
	}
	b, err := io.ReadAll(io.LimitReader(f, maxStateSize))
	f.Close()
	if err != nil || len(bytes.TrimSpace(b)) == 0 {
		return state{}, false, nil
	}
	if err := json.Unmarshal(b, &st); err != nil || st.Program != programName || st.Family != family {
		return state{}, false, nil
	}
	return st, true, nil
}

// trackOverflows compares table_fulls with the previous run, adds what
// it grew by to the overflow history, counts the overflows of the last
// window and saves the new state. A state that cannot be saved is
// reported, not fatal: the check result still goes through.
func trackOverflows(path, family string, tableFulls uint64, bootID string, window time.Duration, now time.Time) overflows {
	o := overflows{Known: true, Total: tableFulls, Window: window}
	prev, ok, untrusted := loadState(path, family)
	o.Untrusted = untrusted
	var history []overflowEvent
	if ok {
		o.HasPrevious, o.Previous = true, prev.TableFulls
		o.Reset = tableFulls < prev.TableFulls || (bootID != "" && prev.BootID != "" && bootID != prev.BootID)
		history = prev.Overflows
	}
	if grew := o.Grew(); grew > 0 {
		history = append(history, overflowEvent{Time: now.Unix(), Count: grew})
	}
	history = recent(history, now.Add(-maxWindow))
	o.InWindow = refusedSince(history, now.Add(-window))
	b, err := json.Marshal(state{Program: programName, Family: family, TableFulls: tableFulls, BootID: bootID, Time: now.Unix(), Overflows: history})
	if err == nil {
		err = statefile.WriteAtomic(path, append(b, '\n'))
	}
	o.SaveErr = err
	return o
}

// recent keeps the events after since, at most maxOverflowEvents of the
// newest.
func recent(events []overflowEvent, since time.Time) []overflowEvent {
	kept := events[:0:0]
	for _, e := range events {
		if e.Time > since.Unix() {
			kept = append(kept, e)
		}
	}
	if len(kept) > maxOverflowEvents {
		kept = kept[len(kept)-maxOverflowEvents:]
	}
	return kept
}

// refusedSince sums the overflows of the events after since.
func refusedSince(events []overflowEvent, since time.Time) uint64 {
	var n uint64
	for _, e := range events {
		if e.Time > since.Unix() {
			n += e.Count
		}
	}
	return n
}
