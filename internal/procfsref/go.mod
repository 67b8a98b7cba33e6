// The prometheus/procfs side of the comparisons: the differential tests of
// procnet's parsers and the reference program of the end-to-end
// benchmarks. A module of its own so that procfs stays out of the
// product's dependency graph.
module github.com/procnet/mackerel-plugin-proc-net/internal/procfsref

go 1.26.0

require github.com/prometheus/procfs v0.23.0

require (
	github.com/procnet/mackerel-plugin-proc-net v0.0.0
	golang.org/x/sys v0.49.0 // indirect
)

replace github.com/procnet/mackerel-plugin-proc-net => ../..
