package procnet

import (
	"bytes"
	"net/netip"
	"os"
	"strings"
	"testing"
)

func TestQuickRealServer(t *testing.T) {
	a := netip.MustParseAddr
	tests := []struct {
		line string
		ok   bool
		want RealServer
	}{
		{"  -> 0A000102:0050      Route   1      3          17        ", true, RealServer{a("10.0.1.2"), 80, "Route", 1, 3, 17}},
		{"  -> 0A000106:0F1C      Local   65535  4294967295 0         ", true, RealServer{a("10.0.1.6"), 3868, "Local", 65535, 4294967295, 0}},
		{"  -> 0a000106:0f1c Masq 0 0 0", true, RealServer{a("10.0.1.6"), 3868, "Masq", 0, 0, 0}},
		// Left to the general parser.
		{"  -> [2001:0db8:0000:0000:0000:0000:0000:0102]:0050      Masq    1      0          0", false, RealServer{}},
		{"  -> 0A000102:0050      Route   65536  3          17", false, RealServer{}},
		{"  -> 0A000102:0050      Route   -1     3          17", false, RealServer{}},
		{"  -> 0A000102:0050      Warp    1      3          17", false, RealServer{}},
		{"  -> 0A000102:0050      Route   1      3", false, RealServer{}},
		{"  -> 0A000102:0050      Route   1      3          17   4", false, RealServer{}},
		{"  -> 0A000102:0050      Route   1      3          17\r", false, RealServer{}},
		{"  -> 0A000102:0050\tRoute   1      3          17", false, RealServer{}},
		{"  -> 0A000102:0050      Route   1      12345678901234567890 17", false, RealServer{}},
		{"  -> RemoteAddress:Port Forward Weight ActiveConn InActConn", false, RealServer{}},
		{"TCP  0A000001:0050 wlc  ", false, RealServer{}},
		{"", false, RealServer{}},
	}
	for _, tt := range tests {
		var got RealServer
		ok := quickRealServer([]byte(tt.line), &got)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("quickRealServer(%q) = %+v, %v; want %+v, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}

// The IPv4 real servers of the fixtures take the quick path.
func TestQuickRealServerTakesKernelRows(t *testing.T) {
	b, err := os.ReadFile("../testdata/lvs-director/net/ip_vs")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "  -> 0") {
			var rs RealServer
			if !quickRealServer([]byte(line), &rs) {
				t.Errorf("line %q left to the general parser", line)
			}
			n++
		}
	}
	if n != 9 {
		t.Fatalf("%d IPv4 real server lines found, the fixture has 9", n)
	}
}

// FuzzQuickRealServer checks that every line the quick path takes, the
// general parser takes too, with the same result.
func FuzzQuickRealServer(f *testing.F) {
	f.Add([]byte("  -> 0A000102:0050      Route   1      3          17        "))
	f.Add([]byte("  -> 0A000106:0F1C      Local   65535  4294967295 0"))
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.IndexByte(line, '\n') >= 0 {
			return
		}
		var quick RealServer
		if !quickRealServer(line, &quick) {
			return
		}
		general, err := parseRealServer(splitFields(line, nil))
		if err != nil || general != quick {
			t.Fatalf("%q: quick %+v, general %+v (%v)", line, quick, general, err)
		}
	})
}
