package ipvsstatspercpu

import (
	mp "github.com/mackerelio/go-mackerel-plugin-helper"
	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
)

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
