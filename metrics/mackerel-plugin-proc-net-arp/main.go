// Command mackerel-plugin-proc-net-arp reports the neighbour table: its
// size and states, rows per device, and garbage-collection pressure.
package main

import (
	"os"

	plugin "github.com/procnet/mackerel-plugin-proc-net/metrics/mackerel-plugin-proc-net-arp/lib"
)

func main() { os.Exit(plugin.Main(os.Args[1:], os.Stdout, os.Stderr)) }
