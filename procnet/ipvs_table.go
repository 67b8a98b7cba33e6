package procnet

import (
	"errors"
	"os"
)

// IPVSTable is the IPVS table of one run, read from the source decided
// once (Decide): over generic netlink (services with their traffic, and
// the sync daemons) or from net/ip_vs.
type IPVSTable struct {
	// Decision says which source is read, and why the files when auto
	// could not have netlink.
	Decision Decision
	fs       FS
	file     string // a file named by the caller, else net/ip_vs below the root
	nl       *IPVSNetlink
	// dialFailed: netlink could not be had to confirm an absence.
	dialFailed bool
}

// OpenIPVS decides the source of the IPVS table of fs (file, when not
// "", is a file of the net/ip_vs format to read instead of the root's)
// and, for netlink, connects in fs's network namespace. A failure to
// connect is an error only when netlink was asked for; under auto the
// table reads the files and Decision.FellBack holds it (ErrIPVSNotLoaded
// when the module is not loaded: the files are missing too). Under auto
// it also asks whether the kernel lets this process read IPVS over
// netlink at all (not root: EPERM), and reads the files when it does not.
func OpenIPVS(fs FS, asked Source, file string) (*IPVSTable, error) {
	t := &IPVSTable{Decision: Decide(fs, asked, file != ""), fs: fs, file: file}
	if t.Decision.Used != SourceNetlink {
		return t, nil
	}
	nl, err := DialIPVSIn(fs.NetNS())
	if err == nil && asked == SourceAuto {
		if err = nl.checkPermitted(); !errors.Is(err, os.ErrPermission) {
			err = nil // any other answer: the reads say what went wrong
		} else {
			nl.Close()
		}
	}
	if err != nil {
		if !t.Decision.fallBack(err) {
			return nil, err
		}
		return t, nil
	}
	t.nl = nl
	return t, nil
}

// Netlink is the connection when the table is read over netlink, else nil.
func (t *IPVSTable) Netlink() *IPVSNetlink { return t.nl }

// Path names the file the services are read from, for messages.
func (t *IPVSTable) Path() string {
	if t.file != "" {
		return t.file
	}
	return t.fs.Path(ipvsFile)
}

// WalkFile calls fn for every service of the file (WalkIPVS): what
// net/ip_vs shows. With netlink too it gives the real servers cheaper
// than a dump per service.
func (t *IPVSTable) WalkFile(fn func(*Service) error) error {
	if t.file != "" {
		return walkIPVSFile(t.file, fn)
	}
	return t.fs.WalkIPVS(fn)
}

// Close closes the netlink connection, if any.
func (t *IPVSTable) Close() error {
	if t.nl == nil {
		return nil
	}
	err := t.nl.Close()
	t.nl = nil
	return err
}
