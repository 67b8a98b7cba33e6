package arp

import (
	mp "github.com/mackerelio/go-mackerel-plugin-helper"
	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
)

// graphs: "" is the prefix itself, which keeps the 2019 key
// proc.net.arp.size.
func graphs() map[string]mp.Graphs {
	return map[string]mp.Graphs{
		"": {Label: "ARP table rows (this network namespace)", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "size", Label: "Rows"},
		}},
		"states": {Label: "ARP table rows by state (this network namespace)", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "complete", Label: "Complete", Stacked: true},
			{Name: "incomplete", Label: "Incomplete or failed", Stacked: true},
			{Name: "permanent", Label: "Permanent", Stacked: true},
			{Name: "proxy", Label: "Proxy (published)", Stacked: true},
		}},
		"devices.#": {Label: "ARP table rows per device", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "complete", Label: "Complete", Stacked: true},
			{Name: "incomplete", Label: "Incomplete or failed", Stacked: true},
			{Name: "permanent", Label: "Permanent", Stacked: true},
			{Name: "proxy", Label: "Proxy (published)", Stacked: true},
		}},
		"ipv6_devices.#": {Label: "NDP table entries per device, counted as ARP rows (this network namespace)", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "complete", Label: "Complete", Stacked: true},
			{Name: "incomplete", Label: "Incomplete or failed", Stacked: true},
			{Name: "permanent", Label: "Permanent", Stacked: true},
			{Name: "proxy", Label: "Proxy (published)", Stacked: true},
		}},
		"neigh_ipv4": neighStates("IPv4 neighbour entries by NUD state (this network namespace)"),
		"neigh_ipv6": neighStates("IPv6 neighbour entries by NUD state (this network namespace)"),
		"table": {Label: "Neighbour table entries (all namespaces) and limits", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "ipv4_entries", Label: "IPv4 entries"},
			{Name: "ipv6_entries", Label: "IPv6 entries"},
			{Name: "ipv4_gc_thresh1", Label: "IPv4 gc_thresh1"},
			{Name: "ipv4_gc_thresh2", Label: "IPv4 gc_thresh2"},
			{Name: "ipv4_gc_thresh3", Label: "IPv4 gc_thresh3 (limit)"},
			{Name: "ipv6_gc_thresh1", Label: "IPv6 gc_thresh1"},
			{Name: "ipv6_gc_thresh2", Label: "IPv6 gc_thresh2"},
			{Name: "ipv6_gc_thresh3", Label: "IPv6 gc_thresh3 (limit)"},
		}},
		"gc": {Label: "Neighbour table pressure per minute", Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
			{Name: "ipv4_table_fulls", Label: "IPv4 table overflows", Diff: true},
			{Name: "ipv4_forced_gc_runs", Label: "IPv4 forced GC runs", Diff: true},
			{Name: "ipv4_unresolved_discards", Label: "IPv4 unresolved discards", Diff: true},
			{Name: "ipv6_table_fulls", Label: "IPv6 table overflows", Diff: true},
			{Name: "ipv6_forced_gc_runs", Label: "IPv6 forced GC runs", Diff: true},
			{Name: "ipv6_unresolved_discards", Label: "IPv6 unresolved discards", Diff: true},
		}},
	}
}

// neighStates is the graph of one family's entries by state, as
// `ip neigh show nud all` names them (-detail), or in the four groups
// printed by default; never both at once.
func neighStates(label string) mp.Graphs {
	return mp.Graphs{Label: label, Unit: metricout.UnitInteger, Metrics: []mp.Metrics{
		{Name: "reachable", Label: "Reachable", Stacked: true},
		{Name: "stale", Label: "Stale", Stacked: true},
		{Name: "delay", Label: "Delay", Stacked: true},
		{Name: "probe", Label: "Probe", Stacked: true},
		{Name: "incomplete", Label: "Incomplete", Stacked: true},
		{Name: "failed", Label: "Failed", Stacked: true},
		{Name: "permanent", Label: "Permanent", Stacked: true},
		{Name: "noarp", Label: "No ARP", Stacked: true},
		{Name: "unconfirmed", Label: "Stale, delay or probe", Stacked: true},
		{Name: "unresolved", Label: "Incomplete or failed", Stacked: true},
		{Name: "static", Label: "Permanent or no ARP", Stacked: true},
	}}
}
