package procnet

import (
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"
)

// ifAddrMsg builds an RTM_NEWADDR body: the ifaddrmsg, then the
// attributes given as type and value.
func ifAddrMsg(family uint8, index uint32, attrs ...any) []byte {
	b := []byte{family, 24, 0, 0}
	b = binary.NativeEndian.AppendUint32(b, index)
	for i := 0; i+1 < len(attrs); i += 2 {
		b = appendAttr(b, attrs[i].(uint16), attrs[i+1].([]byte))
	}
	return b
}

func TestDecodeIfAddr(t *testing.T) {
	v4 := func(s string) []byte { return netip.MustParseAddr(s).AsSlice() }
	tests := []struct {
		name    string
		body    []byte
		want    InterfaceAddr
		ok      bool
		wantErr string
	}{
		// `ip addr add 192.0.2.10/24 dev eth0`: IFA_ADDRESS and IFA_LOCAL alike.
		{"IPv4", ifAddrMsg(linuxAFInet, 2, uint16(ifaAddress), v4("192.0.2.10"), uint16(ifaLocal), v4("192.0.2.10")), InterfaceAddr{netip.MustParseAddr("192.0.2.10"), 2}, true, ""},
		// `ip addr add 10.0.0.1 peer 10.0.0.2 dev ppp0`: IFA_ADDRESS is the peer.
		{"IPv4 point-to-point: the local address", ifAddrMsg(linuxAFInet, 5, uint16(ifaAddress), v4("10.0.0.2"), uint16(ifaLocal), v4("10.0.0.1")), InterfaceAddr{netip.MustParseAddr("10.0.0.1"), 5}, true, ""},
		{"IPv6: IFA_ADDRESS only", ifAddrMsg(linuxAFInet6, 3, uint16(ifaAddress), v4("2001:db8::1")), InterfaceAddr{netip.MustParseAddr("2001:db8::1"), 3}, true, ""},
		{"another family", ifAddrMsg(17, 3), InterfaceAddr{}, false, ""},
		{"truncated header", []byte{2, 24, 0}, InterfaceAddr{}, false, "truncated ifaddrmsg: 3 bytes, want 8"},
		{"IPv4 address of 16 bytes", ifAddrMsg(linuxAFInet, 2, uint16(ifaLocal), v4("2001:db8::1")), InterfaceAddr{}, false, "address of interface 2: 16 bytes, want 4"},
		{"no address", ifAddrMsg(linuxAFInet, 2, uint16(3), []byte("eth0\x00")), InterfaceAddr{}, false, "without IFA_LOCAL or IFA_ADDRESS"},
		{"malformed attribute", append(ifAddrMsg(linuxAFInet, 2), 0xff, 0, 1, 0), InterfaceAddr{}, false, "malformed attribute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := decodeIfAddr(tt.body)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || ok != tt.ok || got != tt.want {
				t.Errorf("got %+v, %v, %v; want %+v, %v", got, ok, err, tt.want, tt.ok)
			}
		})
	}
}
