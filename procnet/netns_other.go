//go:build !linux

package procnet

import (
	"errors"
	"os"
)

// errNotLinux is what the readers that need Linux (network namespaces,
// netlink) say at run time elsewhere: the binaries are for Linux, the
// code builds and vets on any system.
var errNotLinux = errors.New("network namespaces and netlink need Linux")

// netnsDir is where `ip netns` keeps its named network namespaces.
const netnsDir = "/var/run/netns"

// NetNS is a network namespace; there are none outside Linux.
type NetNS struct{ spec string }

// openNetNS fails outside Linux.
func openNetNS(spec string, _ NetNSOptions) (*NetNS, error) {
	return nil, errors.New("network namespace " + spec + ": " + errNotLinux.Error())
}

func (n *NetNS) String() string { return "network namespace " + n.spec }

// ID is "" outside Linux.
func (n *NetNS) ID() string { return "" }

// Close does nothing outside Linux.
func (n *NetNS) Close() error { return nil }

func (n *NetNS) do(func() error) error { return errNotLinux }

func (n *NetNS) readFile(string) ([]byte, error) { return nil, errNotLinux }

func (n *NetNS) open(string) (*os.File, error) { return nil, errNotLinux }
