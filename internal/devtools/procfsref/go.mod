// The prometheus/procfs side of the comparisons: the differential tests of
// procnet's parsers and the reference program of the end-to-end
// benchmarks. A module of its own so that procfs stays out of the
// product's dependency graph.
module github.com/procnet/mackerel-plugin-proc-net/internal/devtools/procfsref

go 1.26.0

require github.com/prometheus/procfs v0.23.0

require (
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/mdlayher/genetlink v1.3.2 // indirect
	github.com/mdlayher/netlink v1.8.0 // indirect
	github.com/mdlayher/socket v0.5.1 // indirect
	github.com/vishvananda/netns v0.0.5 // indirect
	golang.org/x/net v0.43.0 // indirect
	golang.org/x/sync v0.24.0 // indirect
)

require (
	github.com/procnet/mackerel-plugin-proc-net v0.0.0
	golang.org/x/sys v0.49.0 // indirect
)

replace github.com/procnet/mackerel-plugin-proc-net => ../../..
