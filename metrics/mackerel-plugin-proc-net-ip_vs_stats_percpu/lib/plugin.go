package ipvsstatspercpu

import (
	"strconv"

	mp "github.com/mackerelio/go-mackerel-plugin-helper"
	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

type plugin struct{ opts *options }

func (p plugin) Graphs() map[string]mp.Graphs { return graphs() }

// graphs keeps the 2019 plugin's graph names and metric names, with the
// units it got wrong (bytes labelled as packets) corrected. The values are
// per-minute rates.
func graphs() map[string]mp.Graphs {
	return map[string]mp.Graphs{
		"#.conns": {Label: "IPVS per-CPU connections", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "conn", Label: "Connections per minute", Diff: true},
		}},
		"#.packets": {Label: "IPVS per-CPU packets", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "in", Label: "Incoming packets per minute", Diff: true},
			{Name: "out", Label: "Outgoing packets per minute", Diff: true},
		}},
		"#.bytes": {Label: "IPVS per-CPU bytes", Unit: metricout.UnitBytes, Metrics: []mp.Metrics{
			{Name: "in", Label: "Incoming bytes per minute", Diff: true},
			{Name: "out", Label: "Outgoing bytes per minute", Diff: true},
		}},
	}
}

// Collect writes the rates of every CPU row present (ids in decimal), or
// of the ids below -cpus.
func (p plugin) Collect(w *metricout.Writer) int {
	st, err := procnet.NewFS(p.opts.ProcfsRoot).IPVSStatsPerCPU()
	if err != nil {
		w.Warnf("%s: skipping per-CPU IPVS rates: %v", name, err)
		return 0
	}
	for _, row := range st.CPUs {
		if p.opts.cpus > 0 && int64(row.CPU) >= int64(p.opts.cpus) {
			continue
		}
		cpu := strconv.FormatUint(uint64(row.CPU), 10)
		c := row.Counters
		w.Counter(cpu+".conns.conn", c.Conns)
		w.Counter(cpu+".packets.in", c.InPackets)
		w.Counter(cpu+".packets.out", c.OutPackets)
		w.Counter(cpu+".bytes.in", c.InBytes)
		w.Counter(cpu+".bytes.out", c.OutBytes)
	}
	return 1
}
