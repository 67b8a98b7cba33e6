package procnet

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// addrDumper answers each RTM_GETADDR dump with the next datagram.
type addrDumper struct{ script [][]byte }

func (f *addrDumper) dump(typ uint16, _ []byte, fn func(typ, flags uint16, body []byte) error) error {
	if typ != unix.RTM_GETADDR || len(f.script) == 0 {
		return errors.New("dump not scripted")
	}
	d := f.script[0]
	f.script = f.script[1:]
	_, err := walkNetlinkMessages(d, 1, 0, fn)
	return err
}

func (f *addrDumper) ifName(int32) (string, error) { return "", unix.ENODEV }

func newAddr(family uint8, index uint32, a string, flags uint16) []byte {
	ip := netip.MustParseAddr(a).AsSlice()
	return nlmsgFlags(unix.RTM_NEWADDR, unix.NLM_F_MULTI|flags, 1, ifAddrMsg(family, index, uint16(ifaAddress), ip))
}

func TestDumpAddrs(t *testing.T) {
	first := dgram(newAddr(unix.AF_INET, 1, "127.0.0.1", 0), newAddr(unix.AF_INET, 2, "192.0.2.9", unix.NLM_F_DUMP_INTR), done)
	second := dgram(newAddr(unix.AF_INET, 1, "127.0.0.1", 0), newAddr(unix.AF_INET6, 2, "2001:db8::9", 0), done)
	got, err := dumpAddrs(&addrDumper{script: [][]byte{first, second}})
	if err != nil {
		t.Fatal(err)
	}
	want := []InterfaceAddr{{netip.MustParseAddr("127.0.0.1"), 1}, {netip.MustParseAddr("2001:db8::9"), 2}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v (the interrupted dump started again)", got, want)
	}
	intr := dgram(newAddr(unix.AF_INET, 1, "127.0.0.1", unix.NLM_F_DUMP_INTR), done)
	_, err = dumpAddrs(&addrDumper{script: [][]byte{intr, intr, intr, intr}})
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("error %v, want the dump given up after interruptions", err)
	}
	bad := dgram(nlmsgFlags(unix.RTM_NEWADDR, unix.NLM_F_MULTI, 1, []byte{2, 0}), done)
	if _, err := dumpAddrs(&addrDumper{script: [][]byte{bad}}); err == nil {
		t.Error("a truncated message gave no error")
	}
}

// TestInterfaceAddrsLive asks the test's own namespace: loopback holds
// 127.0.0.1 in every namespace that has brought it up.
func TestInterfaceAddrsLive(t *testing.T) {
	addrs, err := NewFS("/proc").InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(addrs, func(a InterfaceAddr) bool { return a.Addr == netip.MustParseAddr("127.0.0.1") }) {
		t.Skipf("no 127.0.0.1 here (loopback down?): %v", addrs)
	}
	if _, err := NewFS("../testdata/lvs-director").InterfaceAddrs(); err == nil || !strings.Contains(err.Error(), "not the live /proc") {
		t.Errorf("a fixture tree: error %v, want not the live /proc", err)
	}
}
