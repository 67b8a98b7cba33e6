// Package procnet reads the /proc sources that the plugins of this
// repository need: IPVS services and statistics, the ARP table, the
// neighbour-cache statistics and the neighbour table thresholds.
//
// Every reader is a method of FS, which is rooted at a procfs root, so tests
// point it at a fixture tree. Parsers stream through one reused buffer and
// return typed values; a malformed line gives a *ParseError naming the file
// and the line, and a missing file gives an error that wraps
// fs.ErrNotExist. The package knows nothing of Mackerel, flags or exit codes.
package procnet
