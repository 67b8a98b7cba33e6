// Command check-arp-table is a Mackerel check plugin that warns before the
// kernel's neighbour table (ARP or NDISC) fills up and starts refusing
// new neighbours.
package main

import (
	"os"

	checkarptable "github.com/procnet/mackerel-plugin-proc-net/check-arp-table/lib"
)

func main() { os.Exit(checkarptable.Main(os.Args[1:], os.Stdout, os.Stderr)) }
