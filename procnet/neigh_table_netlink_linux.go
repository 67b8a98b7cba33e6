package procnet

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// NeighTableFromNetlink asks the kernel for the family's neighbour table
// with one RTM_GETNEIGHTBL dump on a NETLINK_ROUTE socket. The per-device
// parameter entries of the dump are skipped. The socket belongs to the
// calling thread's network namespace, but the table it describes is global.
func NeighTableFromNetlink(f Family) (NeighTable, error) {
	return neighTableIn(nil, f)
}

// neighTableIn is NeighTableFromNetlink asked in the namespace ns (nil:
// the caller's); the table is the same global one.
func neighTableIn(ns *NetNS, f Family) (NeighTable, error) {
	nt, err := neighTableFromNetlink(ns, f)
	if err != nil {
		return nt, fmt.Errorf("rtnetlink RTM_GETNEIGHTBL %s: %w", f.TableName(), err)
	}
	return nt, nil
}

func neighTableFromNetlink(ns *NetNS, f Family) (NeighTable, error) {
	s, err := openNetlinkIn(ns, unix.NETLINK_ROUTE)
	if err != nil {
		return NeighTable{}, err
	}
	defer s.Close()
	return s.neighTable(f)
}

func (s *nlSocket) neighTable(f Family) (NeighTable, error) {
	var (
		found bool
		nt    NeighTable
	)
	req := [sizeofNdtmsg]byte{f.addressFamily()}
	err := s.dump(unix.RTM_GETNEIGHTBL, req[:], func(typ, _ uint16, body []byte) error {
		if typ != unix.RTM_NEWNEIGHTBL || found {
			return nil
		}
		t, ok, err := parseNeighTableMsg(body, f)
		if err != nil {
			return err
		}
		if ok {
			nt, found = t, true
		}
		return nil
	})
	if err != nil {
		return NeighTable{}, err
	}
	if !found {
		return NeighTable{}, fmt.Errorf("no %s table in the reply", f.TableName())
	}
	return nt, nil
}
