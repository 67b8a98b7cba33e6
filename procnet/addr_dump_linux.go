package procnet

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// addrDumpSource names the source in messages.
const addrDumpSource = "rtnetlink RTM_GETADDR"

// InterfaceAddrs returns every IPv4 and IPv6 address assigned to an
// interface of the FS's network namespace, with one RTM_GETADDR dump on
// a socket opened there. The FS must be the live /proc: a fixture tree
// has no interfaces to ask. A dump the kernel marks as interrupted by a
// change is started again, a few times at most.
func (fs FS) InterfaceAddrs() ([]InterfaceAddr, error) {
	if !fs.IsLive() {
		return nil, fmt.Errorf("%s: the procfs root %s is not the live /proc of this kernel, so it has no interfaces to ask", addrDumpSource, fs.root)
	}
	s, err := openNetlinkIn(fs.ns, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", addrDumpSource, err)
	}
	defer s.Close()
	addrs, err := dumpAddrs(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", addrDumpSource, err)
	}
	return addrs, nil
}

func dumpAddrs(d rtDumper) ([]InterfaceAddr, error) {
	var addrs []InterfaceAddr
	for attempt := 1; ; attempt++ {
		addrs = addrs[:0]
		intr := false
		req := [sizeofIfAddrmsg]byte{} // AF_UNSPEC: IPv4 and IPv6
		err := d.dump(unix.RTM_GETADDR, req[:], func(typ, flags uint16, body []byte) error {
			if flags&unix.NLM_F_DUMP_INTR != 0 {
				intr = true
			}
			if typ != unix.RTM_NEWADDR {
				return nil
			}
			a, ok, err := decodeIfAddr(body)
			if ok {
				addrs = append(addrs, a)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		if !intr {
			return addrs, nil
		}
		if attempt == maxDumpAttempts {
			return nil, fmt.Errorf("dump interrupted by changes of the addresses %d times in a row", attempt)
		}
	}
}
