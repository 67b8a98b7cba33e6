// Command mackerel-plugin-proc-net-ip_vs_stats_percpu reports per-CPU IPVS
// connection, packet and byte rates.
package main

import (
	"os"

	plugin "github.com/procnet/mackerel-plugin-proc-net/metrics/mackerel-plugin-proc-net-ip_vs_stats_percpu/lib"
)

func main() { os.Exit(plugin.Main(os.Args[1:], os.Stdout, os.Stderr)) }
