package procnet

import (
	"errors"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// The controller resolves its own family on the host kernel, and a
// family the kernel lacks is ENOENT, which DialIPVS calls not loaded.
func TestGenlFamily(t *testing.T) {
	testbin.SkipEmulated(t)
	g, err := openGenl(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	for _, tt := range []struct {
		name    string
		wantID  uint16
		wantErr error
	}{
		{"nlctrl", genlIDCtrl, nil},
		{"no-such-family", 0, os.ErrNotExist},
	} {
		id, _, err := g.family(tt.name)
		if id != tt.wantID || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
			t.Errorf("family(%q) = %d, %v; want %d, %v", tt.name, id, err, tt.wantID, tt.wantErr)
		}
	}
	if _, err := os.Stat("/proc/net/ip_vs"); errors.Is(err, os.ErrNotExist) {
		if _, err := dialIPVS(g); !errors.Is(err, ErrIPVSNotLoaded) {
			t.Errorf("dialIPVS without the module: %v, want ErrIPVSNotLoaded", err)
		}
	}
}

// A socket past its deadline with nothing to read fails at once with the
// deadline error rather than waiting.
func TestNetlinkDeadline(t *testing.T) {
	s, err := openNetlink(unix.NETLINK_ROUTE)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.buf = make([]byte, nlRecvBuf)
	s.deadline = time.Now()
	start := time.Now()
	if _, err := s.recv(); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("recv past the deadline: %v, want a deadline error", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("recv past the deadline took %v", d)
	}
}
