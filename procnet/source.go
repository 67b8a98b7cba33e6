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

// Decision is the source one reader chose for one table, by the one
// policy of this package (Decide), and why.
type Decision struct {
	// Asked is what the caller asked for: auto, netlink or procfs.
	Asked Source
	// Used is SourceNetlink or SourceProcfs.
	Used Source
	// FellBack is why the files are read although auto chose netlink:
	// netlink could not be had. nil when Used is what the policy chose.
	FellBack error
}

// Decide is the source policy of every table that has both a file and a
// netlink view (the IPVS table, the neighbour tables):
//   - procfs: the files below the root.
//   - netlink: netlink, never the files; a failure of netlink is the
//     reader's error.
//   - auto: netlink when fs is the live procfs (its namespace is the one
//     netlink answers for) and the caller named no file of its own
//     (namedFile, the 2019 plugins' -target), else the files. When
//     netlink then fails, the files are read instead and FellBack says
//     why (fallBack).
func Decide(fs FS, asked Source, namedFile bool) Decision {
	return decide(asked, fs.IsLive() && !namedFile)
}

func decide(asked Source, live bool) Decision {
	d := Decision{Asked: asked, Used: asked}
	if asked == SourceAuto {
		d.Used = SourceProcfs
		if live {
			d.Used = SourceNetlink
		}
	}
	return d
}

// fallBack records that netlink failed with err. Under auto the files
// are read instead: Used becomes SourceProcfs, FellBack err, and it
// returns true. Under netlink it returns false: err is the reader's.
func (d *Decision) fallBack(err error) bool {
	if d.Asked != SourceAuto {
		return false
	}
	d.Used, d.FellBack = SourceProcfs, err
	return true
}
