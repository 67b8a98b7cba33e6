package metricout

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/statefile"
)

// Writer writes one run's values under a metric key prefix.
type Writer struct {
	out       *bufio.Writer
	stderr    io.Writer
	prefix    string
	now       time.Time
	stamp     []byte // "\t<unix time>\n"
	line      []byte
	memKey    []byte // recallJoin's key
	statePath string
	last      state
	loaded    bool
	untrusted bool // the state file was refused: said once, on loading
	counters  map[string]float64
	err       error
	// program names the plugin in the lines about its state
	program string
}

// NewWriter returns a Writer for a run at now. statePath is where the
// counters are kept between runs; stderr receives one line per skipped
// value class or state problem.
func NewWriter(stdout, stderr io.Writer, prefix, statePath string, now time.Time) *Writer {
	w := &Writer{
		out:       bufio.NewWriterSize(stdout, 64<<10),
		stderr:    stderr,
		prefix:    prefix,
		now:       now,
		statePath: statePath,
		line:      make([]byte, 0, 256),
	}
	w.stamp = strconv.AppendInt(append(w.stamp, '\t'), now.Unix(), 10)
	w.stamp = append(w.stamp, '\n')
	return w
}

// Gauge writes a value as it is. key is below the prefix, parts joined by
// dots, and must already be a valid metric name.
func (w *Writer) Gauge(key string, v uint64) {
	w.begin(key)
	w.line = strconv.AppendUint(w.line, v, 10)
	w.end()
}

// GaugeKey is Gauge for a key built in a caller's buffer, so that a large
// table is written without allocating per value.
func (w *Writer) GaugeKey(key []byte, v uint64) {
	w.line = append(w.line[:0], w.prefix...)
	w.line = append(w.line, '.')
	w.line = append(w.line, key...)
	w.line = append(w.line, '\t')
	w.line = strconv.AppendUint(w.line, v, 10)
	w.end()
}

// Counter records a monotonically increasing counter and writes its
// per-minute rate since the previous run, when there is an honest one.
func (w *Writer) Counter(key string, v uint64) {
	if rate, ok := w.Rate(key, v); ok {
		w.Float(key, rate)
	}
}

// Rate records a counter as Counter does and returns its per-minute rate
// without writing it, for values computed from several rates.
func (w *Writer) Rate(key string, v uint64) (float64, bool) {
	if !w.loaded {
		w.loadState()
	}
	full := w.prefix + "." + key
	cur := float64(v)
	w.counters[full] = cur
	last, ok := w.last.values[full]
	if !ok {
		return 0, false
	}
	return perMinute(last, cur, w.elapsed())
}

// WentBackwards reports whether the counter key, given v this run, is
// below its value of the previous run: a rate built from it is missing
// this run, and a sum of rates that leaves it out would dip.
func (w *Writer) WentBackwards(key string, v uint64) bool {
	if !w.loaded {
		w.loadState()
	}
	last, ok := w.last.values[w.prefix+"."+key]
	return ok && float64(v) < last
}

// Float writes a value that need not be a whole number, such as a rate.
func (w *Writer) Float(key string, v float64) {
	w.begin(key)
	w.line = strconv.AppendFloat(w.line, v, 'f', -1, 64)
	w.end()
}

// memoryPrefix marks what a plugin remembers between runs in the state
// file, apart from its counters: "_" as the helper's own "_lastTime".
const memoryPrefix = "_"

// Remember keeps v under key for the next run (Recall).
func (w *Writer) Remember(key string, v float64) {
	if !w.loaded {
		w.loadState()
	}
	w.counters[memoryPrefix+key] = v
}

// Recall returns what the previous run remembered under key.
func (w *Writer) Recall(key string) (float64, bool) {
	if !w.loaded {
		w.loadState()
	}
	v, ok := w.last.values[memoryPrefix+key]
	return v, ok
}

// recallJoin is Recall of the key joined from parts, without allocating
// it: a table of thousands of services asks once per service.
func (w *Writer) recallJoin(parts ...string) (float64, bool) {
	if !w.loaded {
		w.loadState()
	}
	w.memKey = append(w.memKey[:0], memoryPrefix...)
	for _, p := range parts {
		w.memKey = append(w.memKey, p...)
	}
	v, ok := w.last.values[string(w.memKey)]
	return v, ok
}

// StatePath is where the state is kept: a plugin that keeps more than
// numbers beside it names its own files after it.
func (w *Writer) StatePath() string { return w.statePath }

// StateRefused reports whether the state was refused as untrusted (said
// once on stderr): a plugin then keeps no memory of its own beside it
// either this run.
func (w *Writer) StateRefused() bool {
	if !w.loaded {
		w.loadState()
	}
	return w.untrusted
}

// Warnf writes one line to stderr about something skipped.
func (w *Writer) Warnf(format string, args ...any) {
	fmt.Fprintf(w.stderr, format+"\n", args...)
}

func (w *Writer) begin(key string) {
	w.line = append(w.line[:0], w.prefix...)
	w.line = append(w.line, '.')
	w.line = append(w.line, key...)
	w.line = append(w.line, '\t')
}

func (w *Writer) end() {
	w.line = append(w.line, w.stamp...)
	if _, err := w.out.Write(w.line); err != nil && w.err == nil {
		w.err = err
	}
}

func (w *Writer) loadState() {
	w.loaded = true
	w.counters = make(map[string]float64, 16)
	st, err := loadState(w.statePath, w.now)
	if err != nil {
		w.warnState("%v", err)
	}
	w.untrusted = errors.Is(err, statefile.ErrUntrusted)
	w.last = st
}

// Close flushes the values and saves the counters for the next run. When
// the previous state is under a second old it is kept as it is: a rate
// over less than a second is noise, and the older state still gives an
// honest rate on the next run.
func (w *Writer) Close() error {
	err := w.out.Flush()
	if w.err != nil {
		err = w.err
	}
	if w.counters == nil {
		return err
	}
	if !w.last.time.IsZero() && w.elapsed() < 1 {
		w.warnState("state file %s was written under a second ago: rates skipped this run", w.statePath)
		return err
	}
	if serr := saveState(w.statePath, w.now, w.counters); serr != nil && !w.untrusted {
		w.warnState("%v: rates will be missing on the next run", serr)
	}
	return err
}

// warnState writes a line about the state file, starting with the
// program's name as every stderr line of a plugin does.
func (w *Writer) warnState(format string, args ...any) {
	if w.program != "" {
		format = w.program + ": " + format
	}
	w.Warnf(format, args...)
}

// elapsed is the whole seconds since the previous run, counted as the
// helper counts them.
func (w *Writer) elapsed() int64 { return w.now.Unix() - w.last.time.Unix() }
