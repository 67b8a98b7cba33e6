package metricout

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/statefile"
)

// lastTimeKey holds the time of the run that wrote the state, in Unix
// seconds, as go-mackerel-plugin-helper stores it.
const lastTimeKey = "_lastTime"

// state is the previous run's counters and when they were read.
type state struct {
	time   time.Time
	values map[string]float64
}

// loadState reads a state file. A missing or unreadable file is no state:
// saving the new one either replaces it or says why it cannot. An empty,
// truncated, corrupted or foreign one is no state too, with a reason.
func loadState(path string) (state, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return state{}, nil
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return state{}, fmt.Errorf("state file %s is not valid JSON, starting afresh: %v", path, err)
	}
	t, ok := raw[lastTimeKey].(float64)
	if !ok || t <= 0 || t > math.MaxInt32*4 {
		return state{}, fmt.Errorf("state file %s has no valid %s, starting afresh", path, lastTimeKey)
	}
	st := state{time: time.Unix(int64(t), 0), values: make(map[string]float64, len(raw))}
	for k, v := range raw {
		if f, ok := v.(float64); ok && k != lastTimeKey {
			st.values[k] = f
		}
	}
	return st, nil
}

// saveState writes the counters of this run atomically.
func saveState(path string, now time.Time, values map[string]float64) error {
	out := make(map[string]any, len(values)+1)
	for k, v := range values {
		out[k] = v
	}
	out[lastTimeKey] = now.Unix()
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	return statefile.WriteAtomic(path, append(b, '\n'))
}
