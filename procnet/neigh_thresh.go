package procnet

import (
	"bytes"
	"fmt"
	"path"
)

// GCThresh holds the neighbour table's garbage-collection thresholds. At
// Thresh3 entries the kernel refuses new ones.
type GCThresh struct {
	Thresh1 uint64
	Thresh2 uint64
	Thresh3 uint64
}

// GCThresh reads sys/net/{ipv4,ipv6}/neigh/default/gc_thresh{3,2,1}. The
// sysctls are visible only in the initial network namespace. gc_thresh3,
// the limit, is read first, so that an error names it when it is missing.
func (fs FS) GCThresh(f Family) (GCThresh, error) {
	var t GCThresh
	dst := [3]*uint64{&t.Thresh1, &t.Thresh2, &t.Thresh3}
	for i := len(dst) - 1; i >= 0; i-- {
		d := dst[i]
		rel := path.Join(f.NeighSysctlDir(), fmt.Sprintf("gc_thresh%d", i+1))
		v, err := fs.readUintFile(rel)
		if err != nil {
			return GCThresh{}, err
		}
		*d = v
	}
	return t, nil
}

// readUintFile reads a file holding one decimal number.
func (fs FS) readUintFile(rel string) (uint64, error) {
	name := fs.Path(rel)
	b, err := fs.readFile(rel)
	if err != nil {
		return 0, err
	}
	text := bytes.TrimSpace(b)
	v, err := parseDec(text, 63)
	if err != nil {
		return 0, &ParseError{File: name, Line: 1, Err: numberError("value", text, err)}
	}
	return v, nil
}
