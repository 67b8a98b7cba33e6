package ipvsstatspercpu

import (
	"fmt"
	"strconv"

	mp "github.com/mackerelio/go-mackerel-plugin-helper"
	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

type plugin struct{ opts *options }

func (p plugin) Graphs() map[string]mp.Graphs { return graphs() }

// Collect writes the rates of every CPU row present (ids in decimal), or
// of the ids below -cpus, when they fit -max-metrics; else their summary.
func (p plugin) Collect(w *metricout.Writer) int {
	st, err := p.opts.FS().IPVSStatsPerCPU()
	if err != nil {
		w.Warnf("%s: skipping per-CPU IPVS rates: %v", name, err)
		return 0
	}
	rows := st.CPUs[:0:0]
	for _, row := range st.CPUs {
		if p.opts.cpus == 0 || int64(row.CPU) < int64(p.opts.cpus) {
			rows = append(rows, row)
		}
	}
	full := len(rows) * len(counters)
	fold, unfolded := p.opts.Budget.Fold(w, "cpus", full)
	if fold {
		// No count of rows in the notice: a count that moves would repeat it.
		metricout.Notice(w, fmt.Sprintf("%s: the CPU rows (5 metrics each) do not fit -max-metrics %d: printing the max, mean and min over CPUs and the busiest CPU's share under cpus. (%d metrics) %s; -max-metrics 0 prints every CPU row",
			name, p.opts.Budget.Max, summaryMetrics, metricout.HoldNote()))
		summarise(w, rows)
		return 1
	}
	if unfolded {
		metricout.Notice(w, fmt.Sprintf("%s: the CPU rows have fitted -max-metrics %d with room for an hour: printing every CPU row again", name, p.opts.Budget.Max))
	} else {
		metricout.Notice(w, "")
	}
	for _, row := range rows {
		cpu := strconv.FormatUint(uint64(row.CPU), 10) + "."
		for _, c := range counters {
			w.Counter(cpu+c.key, c.of(&row.Counters))
		}
	}
	return 1
}

// counters are the five counters of a CPU row: the 2019 plugin's key
// below the CPU id, and the name of its summary graph below cpus.
var counters = [...]struct {
	key, summary string
	of           func(*procnet.IPVSCounters) uint64
}{
	{"conns.conn", "conn", func(c *procnet.IPVSCounters) uint64 { return c.Conns }},
	{"packets.in", "packets_in", func(c *procnet.IPVSCounters) uint64 { return c.InPackets }},
	{"packets.out", "packets_out", func(c *procnet.IPVSCounters) uint64 { return c.OutPackets }},
	{"bytes.in", "bytes_in", func(c *procnet.IPVSCounters) uint64 { return c.InBytes }},
	{"bytes.out", "bytes_out", func(c *procnet.IPVSCounters) uint64 { return c.OutBytes }},
}

// summaryMetrics is what summarise prints: max, mean and min and the
// busiest share of each counter, and the number of rows.
const summaryMetrics = len(counters)*4 + 1

// summarise writes, over the CPU rows with an honest rate of every
// counter, each counter's max, mean and min per-minute rate, the busiest
// CPU's share of the sum in percent, and how many rows were summarised:
// mean times rows is the sum, exactly. The rates are computed from the
// same state keys as the rows', so that switching between the two
// shapes loses no run.
func summarise(w *metricout.Writer, rows []procnet.IPVSCPUStats) {
	var maxs, mins, sums [len(counters)]float64
	n := 0
	for _, row := range rows {
		cpu := strconv.FormatUint(uint64(row.CPU), 10) + "."
		var rates [len(counters)]float64
		honest := true
		for i, c := range counters {
			r, ok := w.Rate(cpu+c.key, c.of(&row.Counters))
			rates[i], honest = r, honest && ok
		}
		if !honest {
			continue
		}
		for i, r := range rates {
			if n == 0 || r > maxs[i] {
				maxs[i] = r
			}
			if n == 0 || r < mins[i] {
				mins[i] = r
			}
			sums[i] += r
		}
		n++
	}
	if n == 0 {
		return
	}
	for i, c := range counters {
		w.Float("cpus."+c.summary+".max", maxs[i])
		w.Float("cpus."+c.summary+".mean", sums[i]/float64(n))
		w.Float("cpus."+c.summary+".min", mins[i])
		share := 0.0
		if sums[i] > 0 {
			share = maxs[i] * 100 / sums[i]
		}
		w.Float("cpus.busiest_share."+c.summary, share)
	}
	w.Gauge("cpus.rows.count", uint64(n))
}
