package procnet

import "fmt"

// Source says where a reader asks the kernel: the words of the plugins'
// -source flag.
type Source int

// The sources.
const (
	// SourceAuto is netlink when reading the live procfs, whose network
	// namespace is the one netlink answers for, and files otherwise.
	SourceAuto Source = iota
	// SourceNetlink: the kernel's netlink interfaces (rtnetlink for the
	// neighbour tables, generic netlink for IPVS), with the root's files
	// for what they give and netlink does not.
	SourceNetlink
	// SourceProcfs: files below the root only (fixture trees, copies).
	SourceProcfs
)

func (s Source) String() string {
	switch s {
	case SourceNetlink:
		return "netlink"
	case SourceProcfs:
		return "procfs"
	}
	return "auto"
}

// ParseSource accepts auto, netlink and procfs.
func ParseSource(s string) (Source, error) {
	switch s {
	case "auto":
		return SourceAuto, nil
	case "netlink":
		return SourceNetlink, nil
	case "procfs":
		return SourceProcfs, nil
	}
	return SourceAuto, fmt.Errorf("unknown source %q (want auto, netlink or procfs)", s)
}

// For is the source to read fs with: SourceAuto becomes SourceNetlink when
// fs is the live procfs (FS.IsLive) and SourceProcfs otherwise; an
// explicit source is kept.
func (s Source) For(fs FS) Source { return s.resolve(fs.IsLive()) }

func (s Source) resolve(live bool) Source {
	switch {
	case s != SourceAuto:
		return s
	case live:
		return SourceNetlink
	}
	return SourceProcfs
}
