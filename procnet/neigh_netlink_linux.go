package procnet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// nlSocket is a NETLINK_ROUTE socket that sends dump requests one at a
// time and hands each answering message to a callback. Its one receive
// buffer is reused for every datagram of every dump.
type nlSocket struct {
	fd     int
	portID uint32
	seq    uint32
	buf    []byte
}

// nlRecvBuf holds the largest datagram a dump sends: the kernel caps a
// dump's skb at 32 KiB whatever the reader offers.
const nlRecvBuf = 64 << 10

func openNetlink() (*nlSocket, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	s := &nlSocket{fd: fd}
	if err := s.setup(); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return s, nil
}

func (s *nlSocket) setup() error {
	// A kernel that never answers must not hang a plugin run by an agent.
	tv := unix.Timeval{Sec: 5}
	if err := unix.SetsockoptTimeval(s.fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		return os.NewSyscallError("setsockopt", err)
	}
	if err := unix.Bind(s.fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return os.NewSyscallError("bind", err)
	}
	local, err := unix.Getsockname(s.fd)
	if err != nil {
		return os.NewSyscallError("getsockname", err)
	}
	if sa, ok := local.(*unix.SockaddrNetlink); ok {
		s.portID = sa.Pid
	}
	return nil
}

func (s *nlSocket) Close() error { return unix.Close(s.fd) }

// dump sends a dump request of type typ whose body is body, and calls fn
// for every message of the answer until NLMSG_DONE.
func (s *nlSocket) dump(typ uint16, body []byte, fn func(typ, flags uint16, body []byte) error) error {
	s.seq++
	var req [unix.SizeofNlMsghdr + 32]byte
	if len(body) > len(req)-unix.SizeofNlMsghdr {
		return errors.New("netlink request body too long")
	}
	n := unix.SizeofNlMsghdr + len(body)
	ne := binary.NativeEndian
	ne.PutUint32(req[0:4], uint32(n))
	ne.PutUint16(req[4:6], typ)
	ne.PutUint16(req[6:8], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	ne.PutUint32(req[8:12], s.seq)
	ne.PutUint32(req[12:16], 0)
	copy(req[unix.SizeofNlMsghdr:], body)
	if err := unix.Sendto(s.fd, req[:n], 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return os.NewSyscallError("sendto", err)
	}
	if s.buf == nil {
		s.buf = make([]byte, nlRecvBuf)
	}
	for {
		n, _, err := unix.Recvfrom(s.fd, s.buf, 0)
		if err != nil {
			if err == unix.EINTR {
				continue
			}
			return os.NewSyscallError("recvfrom", err)
		}
		done, err := walkNetlinkMessages(s.buf[:n], s.seq, s.portID, fn)
		if err != nil || done {
			return err
		}
	}
}

// walkNetlinkMessages calls fn for every message of one datagram that
// answers our request, and reports whether the dump is over.
func walkNetlinkMessages(b []byte, seq, portID uint32, fn func(typ, flags uint16, body []byte) error) (done bool, err error) {
	ne := binary.NativeEndian
	for len(b) >= unix.SizeofNlMsghdr {
		l := ne.Uint32(b[0:4])
		typ := ne.Uint16(b[4:6])
		flags := ne.Uint16(b[6:8])
		mseq := ne.Uint32(b[8:12])
		mpid := ne.Uint32(b[12:16])
		if l < unix.SizeofNlMsghdr || int64(l) > int64(len(b)) {
			return false, fmt.Errorf("malformed netlink message: length %d of %d bytes", l, len(b))
		}
		body := b[unix.SizeofNlMsghdr:l]
		if next := nlmAlign(int(l)); next < len(b) {
			b = b[next:]
		} else {
			b = nil
		}
		if mseq != seq || (portID != 0 && mpid != portID) {
			continue // not an answer to our request
		}
		switch typ {
		case unix.NLMSG_DONE:
			// Since Linux 4.x the DONE message carries the dump's error.
			if len(body) >= 4 {
				if errno := int32(ne.Uint32(body[0:4])); errno < 0 {
					return false, unix.Errno(-errno)
				}
			}
			if flags&unix.NLM_F_DUMP_INTR != 0 {
				if err := fn(typ, flags, nil); err != nil {
					return false, err
				}
			}
			return true, nil
		case unix.NLMSG_ERROR:
			if len(body) < 4 {
				return false, errors.New("truncated netlink error message")
			}
			if errno := int32(ne.Uint32(body[0:4])); errno != 0 {
				return false, unix.Errno(-errno)
			}
			return true, nil // an ACK
		case unix.NLMSG_NOOP, unix.NLMSG_OVERRUN:
			continue
		}
		if err := fn(typ, flags, body); err != nil {
			return false, err
		}
	}
	return false, nil
}

func nlmAlign(n int) int { return (n + unix.NLMSG_ALIGNTO - 1) &^ (unix.NLMSG_ALIGNTO - 1) }
