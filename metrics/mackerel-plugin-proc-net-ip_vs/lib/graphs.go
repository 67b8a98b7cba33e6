package ipvs

import (
	mp "github.com/mackerelio/go-mackerel-plugin-helper"
	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
)

// graphs are wildcard graphs over services (#) and real servers (*), so
// that services added after the agent started are graphed too. The
// summaries printed when the real servers do not fit -max-metrics are in
// the same graphs: "all" for the sum of a service's real servers (no real
// server id is a word), "other" for the services folded (no service id
// is a word either). Within
// one wildcard graph no metric name is a prefix of another.
func graphs() map[string]mp.Graphs {
	return map[string]mp.Graphs{
		"#.weight": {Label: "IPVS real server weight", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "*", Label: "Weight"},
		}},
		"#.active_conns": {Label: "IPVS real server active connections (all: the service's sum)", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "*", Label: "Active connections"},
		}},
		"#.inactive_conns": {Label: "IPVS real server inactive connections (all: the service's sum)", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "*", Label: "Inactive connections"},
		}},
		"#.persistent_conns": {Label: "IPVS real server persistent connections (persistence templates, persistent services only)", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "*", Label: "Persistent connections"},
		}},
		"#.real_servers": {Label: "IPVS real servers per service", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "total", Label: "Real servers"},
			{Name: "available", Label: "Real servers with weight > 0"},
		}},
		"#.service_conns": {Label: "IPVS new connections per service, per minute", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "new", Label: "New connections", Diff: true},
		}},
		"#.service_packets": {Label: "IPVS packets per service, per minute", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "in", Label: "Incoming packets", Diff: true},
			{Name: "out", Label: "Outgoing packets", Diff: true},
		}},
		"#.service_bytes": {Label: "IPVS bytes per service, per minute", Unit: metricout.UnitBytes, Metrics: []mp.Metrics{
			{Name: "in", Label: "Incoming bytes", Diff: true},
			{Name: "out", Label: "Outgoing bytes", Diff: true},
		}},
		"#.conns": {Label: "IPVS new connections per real server, per minute", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "*", Label: "New connections", Diff: true},
		}},
		"#.packets_in": {Label: "IPVS incoming packets per real server, per minute", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "*", Label: "Incoming packets", Diff: true},
		}},
		"#.packets_out": {Label: "IPVS outgoing packets per real server, per minute", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "*", Label: "Outgoing packets", Diff: true},
		}},
		"#.bytes_in": {Label: "IPVS incoming bytes per real server, per minute", Unit: metricout.UnitBytes, Metrics: []mp.Metrics{
			{Name: "*", Label: "Incoming bytes", Diff: true},
		}},
		"#.bytes_out": {Label: "IPVS outgoing bytes per real server, per minute", Unit: metricout.UnitBytes, Metrics: []mp.Metrics{
			{Name: "*", Label: "Outgoing bytes", Diff: true},
		}},
		"sync_daemon": {Label: "IPVS sync daemons", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "master", Label: "Master running"},
			{Name: "backup", Label: "Backup running"},
		}},
		"defense": {Label: "IPVS defense strategies in force (1: dropping)", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "drop_entry", Label: "drop_entry"},
			{Name: "drop_packet", Label: "drop_packet"},
			{Name: "secure_tcp", Label: "secure_tcp"},
		}},
		"vips": {Label: "IPVS service addresses (VIPs)", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "total", Label: "In the IPVS table"},
			{Name: "local", Label: "Held by this host"},
		}},
		"stats.connections": {Label: "IPVS connections", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "conns", Label: "Connections per minute", Diff: true},
		}},
		"stats.packets": {Label: "IPVS packets", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "in", Label: "Incoming packets per minute", Diff: true},
			{Name: "out", Label: "Outgoing packets per minute", Diff: true},
		}},
		"stats.bytes": {Label: "IPVS bytes", Unit: metricout.UnitBytes, Metrics: []mp.Metrics{
			{Name: "in", Label: "Incoming bytes per minute", Diff: true},
			{Name: "out", Label: "Outgoing bytes per minute", Diff: true},
		}},
	}
}
