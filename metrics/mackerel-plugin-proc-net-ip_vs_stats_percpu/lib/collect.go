package ipvsstatspercpu

import (
	"strconv"

	mp "github.com/mackerelio/go-mackerel-plugin-helper"
	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

type plugin struct{ opts *options }

func (p plugin) Graphs() map[string]mp.Graphs { return graphs() }

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
