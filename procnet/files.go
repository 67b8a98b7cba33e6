package procnet

import (
	"io"
	"os"
)

// The functions below read a source from an explicit file path rather
// than from below a procfs root, for the 2019 plugins' -target flag.

// walkIPVSFile is WalkIPVS on the file at path.
func walkIPVSFile(path string, fn func(*Service) error) error {
	return parsePath(path, func(r io.Reader, name string) error { return parseIPVS(r, name, fn) })
}

// CountARPFile is CountARP on the file at path.
func CountARPFile(path string) (ARPSummary, error) {
	var sum ARPSummary
	err := parsePath(path, func(r io.Reader, name string) (err error) {
		sum, err = parseARPCounts(r, name)
		return err
	})
	return sum, err
}

func parsePath(path string, parse func(r io.Reader, name string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return parse(f, path)
}
