//go:build !linux

package procnet

import (
	"fmt"
)

// The netlink readers fail at run time outside Linux.

// DialIPVS fails outside Linux.
func DialIPVS() (*IPVSNetlink, error) { return DialIPVSIn(nil) }

// DialIPVSIn fails outside Linux.
func DialIPVSIn(*NetNS) (*IPVSNetlink, error) {
	return nil, fmt.Errorf("%s: %w", ipvsNetlinkSource, errNotLinux)
}

func dumpNeighboursIn(*NetNS, []Family) (NeighDump, error) {
	return NeighDump{}, fmt.Errorf("%s: %w", neighDumpSource, errNotLinux)
}

// NeighTableFromNetlink fails outside Linux.
func NeighTableFromNetlink(f Family) (NeighTable, error) { return neighTableIn(nil, f) }

func neighTableIn(_ *NetNS, f Family) (NeighTable, error) {
	return NeighTable{}, fmt.Errorf("rtnetlink RTM_GETNEIGHTBL %s: %w", f.TableName(), errNotLinux)
}

// IsLive is false outside Linux: there is no procfs of this kernel.
func (fs FS) IsLive() bool { return false }

// InterfaceAddrs fails outside Linux.
func (fs FS) InterfaceAddrs() ([]InterfaceAddr, error) {
	return nil, fmt.Errorf("rtnetlink RTM_GETADDR: %w", errNotLinux)
}
