// Command check-ipvs is a Mackerel check plugin that alerts when an IPVS
// real server is taken out of rotation (weight 0, or removed from the
// table) or a service has too few real servers or too little weight left.
package main

import (
	"os"

	checkipvs "github.com/procnet/mackerel-plugin-proc-net/check-ipvs/lib"
)

func main() { os.Exit(checkipvs.Main(os.Args[1:], os.Stdout, os.Stderr)) }
