package procnet

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func TestQuickARPRow(t *testing.T) {
	tests := []struct {
		line   string
		ok     bool
		flags  uint32
		device string
	}{
		{"10.0.0.1         0x1         0x2         52:54:00:12:34:56     *        eth0", true, 2, "eth0"},
		{"192.168.100.5    0x20        0x2         80:00:00:48:fe:80:00:00:00     *        ib0", true, 2, "ib0"},
		{"10.9.0.2         0xfffe      0x2                               *        wg0", true, 2, "wg0"},
		{"10.0.0.50        0x1         0xc         00:00:00:00:00:00     *        *", true, 0xc, "*"},
		{"255.255.255.255 0xFFFFFFFF 0xFFFFFFFF a * averyveryverylongdevicename0", true, 0xFFFFFFFF, "averyveryverylongdevicename0"},
		// Left to the general parser, which accepts or names the fault.
		{"10.0.0.1\t0x1 0x2 52:54:00:12:34:56 * eth0", false, 0, ""},
		{"10.0.0.1 0x1 0x2 52:54:00:12:34:56 * eth0\r", false, 0, ""},
		{"10.0.0.1 0x1 0x2 52:54:00:12:34:56\t* eth0", false, 0, ""},
		{"  10.0.0.1 0x1 0x2 52:54:00:12:34:56 * eth0", false, 0, ""},
		{"10.0.0.01 0x1 0x2 52:54:00:12:34:56 * eth0", false, 0, ""},
		{"10.0.0.256 0x1 0x2 52:54:00:12:34:56 * eth0", false, 0, ""},
		{"10.0.0 0x1 0x2 52:54:00:12:34:56 * eth0", false, 0, ""},
		{"10.0.0.1 1 0x2 52:54:00:12:34:56 * eth0", false, 0, ""},
		{"10.0.0.1 0x1 0x000000002 52:54:00:12:34:56 * eth0", false, 0, ""},
		{"10.0.0.1 0x1 0x2 eth0", false, 0, ""},
		{"10.0.0.1 0x1 0x2 a b c d", false, 0, ""},
		{"10.0.0.1 0x1 0xZ 52:54:00:12:34:56 * eth0", false, 0, ""},
		{"", false, 0, ""},
	}
	for _, tt := range tests {
		flags, dev, ok := quickARPRow([]byte(tt.line))
		if ok != tt.ok || flags != tt.flags || string(dev) != tt.device {
			t.Errorf("quickARPRow(%q) = %#x, %q, %v; want %#x, %q, %v", tt.line, flags, dev, ok, tt.flags, tt.device, tt.ok)
		}
	}
}

// Every row of the fixtures and of the generated large table takes the
// quick path: the benchmark measures it, not the fallback.
func TestQuickARPRowTakesKernelRows(t *testing.T) {
	for _, root := range []string{"../testdata/arp-mixed-states", "../testdata/lvs-director", "../testdata/container"} {
		b, err := os.ReadFile(root + "/net/arp")
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
			if _, _, ok := quickARPRow([]byte(line)); !ok {
				t.Errorf("%s: row %q left to the general parser", root, line)
			}
		}
	}
}

// FuzzQuickARPRow checks that every line the quick path takes, the general
// parser takes too, with the same flags and device.
func FuzzQuickARPRow(f *testing.F) {
	f.Add([]byte("10.0.0.1         0x1         0x2         52:54:00:12:34:56     *        eth0"))
	f.Add([]byte("10.9.0.2         0xfffe      0x2                               *        wg0"))
	f.Add([]byte("1.2.3.4 0x1 0x2 a\x00b * e\xffth0"))
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.IndexByte(line, '\n') >= 0 {
			return
		}
		flags, dev, ok := quickARPRow(line)
		if !ok {
			return
		}
		var got *arpRow
		in := "IP address       HW type     Flags       HW address            Mask     Device\n" + string(line) + "\n"
		err := walkARP(strings.NewReader(in), "arp", nil, func(r *arpRow) error {
			if !isIPv4Text(r.ip) {
				return errNumberSyntax
			}
			c := *r
			got = &c
			return nil
		})
		if err != nil || got == nil {
			t.Fatalf("quick path took %q, the general parser says %v", line, err)
		}
		if got.flags != flags || string(got.device) != string(dev) {
			t.Fatalf("%q: quick path %#x %q, general parser %#x %q", line, flags, dev, got.flags, got.device)
		}
	})
}
