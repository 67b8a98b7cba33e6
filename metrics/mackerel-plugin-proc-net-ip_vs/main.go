// Command mackerel-plugin-proc-net-ip_vs reports `ipvsadm -Ln` as metrics:
// per service and real server, and the global IPVS rates.
package main

import (
	"os"

	plugin "github.com/procnet/mackerel-plugin-proc-net/metrics/mackerel-plugin-proc-net-ip_vs/lib"
)

func main() { os.Exit(plugin.Main(os.Args[1:], os.Stdout, os.Stderr)) }
