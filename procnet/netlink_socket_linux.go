package procnet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// netlinkDeadline is the one deadline rule of every netlink socket of
// this package: the kernel must have answered everything asked on a
// socket within this time of its opening, or the read fails. It is well
// inside mackerel-agent's plugin timeout (30 s by default), so a kernel
// that never answers costs a run a message, not the agent a killed
// plugin.
const netlinkDeadline = 10 * time.Second

// errNetlinkDeadline is wrapped by a read that passed netlinkDeadline.
var errNetlinkDeadline = fmt.Errorf("the kernel did not answer within %v: %w", netlinkDeadline, os.ErrDeadlineExceeded)

// nlSocket is a netlink socket (NETLINK_ROUTE or NETLINK_GENERIC) that
// sends requests one at a time and hands each answering message to a
// callback. Its request and receive buffers are reused for every request:
// a dump per IPVS service costs two system calls and no allocation.
type nlSocket struct {
	fd       int
	portID   uint32
	seq      uint32
	deadline time.Time
	buf      []byte
	req      []byte
}

// nlRecvBuf holds the largest datagram a dump sends: the kernel caps a
// dump's skb at 32 KiB whatever the reader offers.
const nlRecvBuf = 64 << 10

// openNetlink opens a netlink socket of the protocol proto in the
// caller's network namespace (openNetlinkIn opens one in another).
func openNetlink(proto int) (*nlSocket, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	s := &nlSocket{fd: fd, deadline: time.Now().Add(netlinkDeadline)}
	if err := s.setup(); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return s, nil
}

func (s *nlSocket) setup() error {
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
	return s.exchange(typ, unix.NLM_F_REQUEST|unix.NLM_F_DUMP, body, fn)
}

// request sends a request that is not a dump, with NLM_F_ACK so that its
// answer ends with an acknowledgement, and calls fn for the reply.
func (s *nlSocket) request(typ uint16, body []byte, fn func(typ, flags uint16, body []byte) error) error {
	return s.exchange(typ, unix.NLM_F_REQUEST|unix.NLM_F_ACK, body, fn)
}

func (s *nlSocket) exchange(typ, flags uint16, body []byte, fn func(typ, flags uint16, body []byte) error) error {
	s.seq++
	n := unix.SizeofNlMsghdr + len(body)
	s.req = append(s.req[:0], make([]byte, unix.SizeofNlMsghdr)...)
	ne := binary.NativeEndian
	ne.PutUint32(s.req[0:4], uint32(n))
	ne.PutUint16(s.req[4:6], typ)
	ne.PutUint16(s.req[6:8], flags)
	ne.PutUint32(s.req[8:12], s.seq)
	ne.PutUint32(s.req[12:16], 0)
	s.req = append(s.req, body...)
	if err := unix.Sendto(s.fd, s.req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return os.NewSyscallError("sendto", err)
	}
	if s.buf == nil {
		s.buf = make([]byte, nlRecvBuf)
	}
	for {
		n, err := s.recv()
		if err != nil {
			return err
		}
		done, err := walkNetlinkMessages(s.buf[:n], s.seq, s.portID, fn)
		if err != nil || done {
			return err
		}
	}
}

// recv reads one datagram into s.buf by the deadline rule. The answer to
// a request is usually queued before sendto returns, so it first tries
// without waiting; only when nothing is there yet does it wait, at most
// until the socket's deadline.
func (s *nlSocket) recv() (int, error) {
	n, err := s.recvfrom(unix.MSG_DONTWAIT)
	for err == unix.EAGAIN || err == unix.EINTR {
		left := time.Until(s.deadline)
		if left <= 0 {
			return 0, errNetlinkDeadline
		}
		tv := unix.NsecToTimeval(left.Nanoseconds())
		if err := unix.SetsockoptTimeval(s.fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
			return 0, os.NewSyscallError("setsockopt", err)
		}
		n, err = s.recvfrom(0)
	}
	if err != nil {
		return 0, os.NewSyscallError("recvfrom", err)
	}
	return n, nil
}

// recvfrom is recvfrom(2) without a source address, which unix.Recvfrom
// would allocate for every datagram.
func (s *nlSocket) recvfrom(flags int) (int, error) {
	n, _, errno := unix.Syscall6(unix.SYS_RECVFROM, uintptr(s.fd), uintptr(unsafe.Pointer(&s.buf[0])), uintptr(len(s.buf)), uintptr(flags), 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

// walkNetlinkMessages calls fn for every message of one datagram that
// answers our request, and reports whether the answer is over (NLMSG_DONE
// of a dump, or the acknowledgement of a request).
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
