package ipvsstatspercpu

import (
	mp "github.com/mackerelio/go-mackerel-plugin-helper"
	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
)

// graphs keeps the 2019 plugin's graph names and metric names, with the
// units it got wrong (bytes labelled as packets) corrected, and adds the
// summary printed instead of the rows when they do not fit -max-metrics.
// The values are per-minute rates. No summary graph name (cpus.conn,
// cpus.bytes_in...) matches a row graph (#.conns, #.bytes...).
func graphs() map[string]mp.Graphs {
	g := map[string]mp.Graphs{
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
		"cpus.busiest_share": {Label: "IPVS busiest CPU's share of all CPUs (%)", Unit: metricout.UnitPercentage, Metrics: []mp.Metrics{
			{Name: "conn", Label: "Connections"},
			{Name: "packets_in", Label: "Incoming packets"},
			{Name: "packets_out", Label: "Outgoing packets"},
			{Name: "bytes_in", Label: "Incoming bytes"},
			{Name: "bytes_out", Label: "Outgoing bytes"},
		}},
		"cpus.rows": {Label: "IPVS CPU rows summarised", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "count", Label: "CPU rows"},
		}},
	}
	for _, s := range []struct{ name, label, unit string }{
		{"conn", "connections", metricout.UnitInteger},
		{"packets_in", "incoming packets", metricout.UnitInteger},
		{"packets_out", "outgoing packets", metricout.UnitInteger},
		{"bytes_in", "incoming bytes", metricout.UnitBytes},
		{"bytes_out", "outgoing bytes", metricout.UnitBytes},
	} {
		g["cpus."+s.name] = mp.Graphs{Label: "IPVS " + s.label + " per minute over CPUs", Unit: s.unit, Metrics: []mp.Metrics{
			{Name: "max", Label: "Busiest CPU"},
			{Name: "mean", Label: "Mean"},
			{Name: "min", Label: "Idlest CPU"},
		}}
	}
	return g
}
