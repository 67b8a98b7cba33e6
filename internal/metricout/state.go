package metricout

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"strconv"
	"syscall"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/statefile"
)

// maxStateSize is the largest state file read: five counters of about
// 150 bytes (key and value) for each of 170,000 real servers, the table of
// the ip_vs plugin with -max-metrics 0 and per-real-server traffic.
const maxStateSize = 128 << 20

// lastTimeKey holds the time of the run that wrote the state, in Unix
// seconds, as go-mackerel-plugin-helper stores it.
const lastTimeKey = "_lastTime"

// state is the previous run's counters and when they were read.
type state struct {
	time   time.Time
	values map[string]float64
}

// errNoMemory marks a state file that exists but could not be opened or
// read: the run goes on without rates and memory.
var errNoMemory = errors.New("no memory of the last run")

// loadState reads a state file for a run at now. A missing file is no
// state: saving the new one either replaces it or says why it cannot. A
// file statefile.Open does not trust (another user's, a link, a FIFO...)
// is no state, said so; one it cannot open or read is no state, with an
// error wrapping errNoMemory. An empty, truncated, corrupted or foreign
// one is no state too, with a reason, and so is one written after now:
// the clock stepped back since, and a rate over the gap would be
// overstated (kept until the clock caught up, the first rate after a
// one-hour step would be 61 times too high); it is replaced by this run's.
func loadState(path string, now time.Time) (state, error) {
	f, err := statefile.Open(path, maxStateSize)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		// Absent, or a path that cannot be one (below a file): saving
		// says why when it cannot be written either.
		return state{}, nil
	}
	if errors.Is(err, statefile.ErrUntrusted) {
		return state{}, fmt.Errorf("%w, not used: no rates this run", statefile.Unusable(path, err, nil))
	}
	if err != nil {
		return state{}, fmt.Errorf("%w: state file %s cannot be opened, no rates this run: %v", errNoMemory, path, err)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxStateSize))
	f.Close()
	if err != nil {
		return state{}, fmt.Errorf("%w: state file %s cannot be read, no rates this run: %v", errNoMemory, path, err)
	}
	// Our own files and the helper's hold numbers only: decode them
	// straight into floats, and take the slow path only for the rest.
	values := map[string]float64{}
	if err := json.Unmarshal(b, &values); err != nil {
		var raw map[string]any
		if err := json.Unmarshal(b, &raw); err != nil {
			return state{}, fmt.Errorf("state file %s is not valid JSON, starting afresh: %v", path, err)
		}
		values = make(map[string]float64, len(raw))
		for k, v := range raw {
			if f, ok := v.(float64); ok {
				values[k] = f
			}
		}
	}
	t, ok := values[lastTimeKey]
	if !ok || t <= 0 || t > math.MaxInt32*4 {
		return state{}, fmt.Errorf("state file %s has no valid %s, starting afresh", path, lastTimeKey)
	}
	delete(values, lastTimeKey)
	written := time.Unix(int64(t), 0)
	if written.Unix() > now.Unix() {
		return state{}, fmt.Errorf("state file %s was written %s after this run's time (the clock stepped back?), starting afresh: no rates this run",
			path, written.Sub(now.Truncate(time.Second)))
	}
	return state{time: written, values: values}, nil
}

// saveState writes the counters of this run atomically, as JSON written
// by hand into one buffer: the keys are metric names, which need no
// escaping, and a map of interfaces for encoding/json would allocate per
// value.
func saveState(path string, now time.Time, values map[string]float64) error {
	b := make([]byte, 0, 64+len(values)*64)
	b = append(b, `{"`+lastTimeKey+`":`...)
	b = strconv.AppendInt(b, now.Unix(), 10)
	for k, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		b = append(b, ',')
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	b = append(b, "}\n"...)
	return statefile.WriteAtomic(path, b)
}

// appendJSONString appends s quoted: as it is when it holds only the
// characters of a metric name, else through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
