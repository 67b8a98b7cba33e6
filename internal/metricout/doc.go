// Package metricout is the value path shared by the metric plugins: it
// writes "name<TAB>value<TAB>time" lines through one buffer, turns
// counters into per-minute rates with go-mackerel-plugin-helper's rules,
// keeps only those counters in a helper-compatible state file written
// atomically, and prints graph definitions with the helper's types.
//
// The helper's own value path is not used: it cannot carry a large ip_vs
// table, prints nothing when its state is under a second old and rewrites
// its state file in place.
package metricout
