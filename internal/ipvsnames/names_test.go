package ipvsnames

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

func tcp(addr string, port uint16) procnet.IPVSServiceID {
	return procnet.IPVSServiceID{Protocol: "TCP", Addr: netip.MustParseAddr(addr), Port: port}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, text string
		want       map[procnet.IPVSServiceID][2]string // name, key
		err        string
	}{
		{name: "empty", text: "", want: map[procnet.IPVSServiceID][2]string{}},
		{name: "comments and blanks", text: "# NAME SERVICE\n\n   \t\n  # indented\n", want: map[procnet.IPVSServiceID][2]string{}},
		{name: "every kind", text: "web  TCP:10.0.0.4:80\nweb6\tTCP:[2001:db8::4]:443  # v6\nmail FWM:7\nmail6 fwm6:0x7\ndns udp:10.0.0.53:53\n", want: map[procnet.IPVSServiceID][2]string{
			tcp("10.0.0.4", 80):                    {"web", "web"},
			tcp("2001:db8::4", 443):                {"web6", "web6"},
			{Protocol: "FWM", Mark: 7}:             {"mail", "mail"},
			{Protocol: "FWM", Mark: 7, IPv6: true}: {"mail6", "mail6"},
			{Protocol: "UDP", Addr: netip.MustParseAddr("10.0.0.53"), Port: 53}: {"dns", "dns"},
		}},
		{name: "sanitised key", text: "www.example.com:443 TCP:10.0.0.4:443\n", want: map[procnet.IPVSServiceID][2]string{
			tcp("10.0.0.4", 443): {"www.example.com:443", "www_example_com_443"},
		}},
		{name: "CRLF", text: "web TCP:10.0.0.4:80\r\n", want: map[procnet.IPVSServiceID][2]string{tcp("10.0.0.4", 80): {"web", "web"}}},
		{name: "one field", text: "# x\nweb\n", err: "names:2: want NAME SERVICE (such as web TCP:10.0.0.4:80), got 1 fields"},
		{name: "three fields", text: "web TCP:10.0.0.4:80 extra\n", err: "names:1: want NAME SERVICE"},
		{name: "bad service", text: "web TCP:10.0.0.4\n", err: `names:1: invalid service "TCP:10.0.0.4": want TCP:ADDR:PORT, IPv6 in brackets`},
		{name: "IPv6 without brackets", text: "web TCP:2001:db8::4:80\n", err: "names:1: invalid service"},
		{name: "bad protocol", text: "\nweb XYZ:10.0.0.4:80\n", err: `names:2: invalid service "XYZ:10.0.0.4:80": unknown protocol "XYZ"`},
		{name: "mark zero", text: "m FWM:0\n", err: `names:1: invalid service "FWM:0": firewall mark "0"`},
		{name: "service twice", text: "web TCP:10.0.0.4:80\n\nwww tcp:10.0.0.4:80\n", err: `names:3: TCP 10.0.0.4:80 is named on line 1 already ("web", then "www")`},
		{name: "same name twice", text: "web TCP:10.0.0.4:80\nweb TCP:10.0.0.5:80\n", err: `names:2: name "web" has the key web of line 1's: two services under one name`},
		{name: "same key twice", text: "a.b TCP:10.0.0.4:80\na:b TCP:10.0.0.5:80\n", err: `names:2: name "a:b" has the key a_b of line 1's`},
		{name: "address-like name", text: "TCP_10_0_0_5_80 TCP:10.0.0.4:80\n", err: `names:1: name "TCP_10_0_0_5_80" begins as the key of an unnamed TCP service does (TCP_)`},
		{name: "fwm6-like name", text: "fwm6.x FWM:7\n", err: `names:1: name "fwm6.x" begins as the key of an unnamed FWM6 service`},
		{name: "protocol-like but not a key", text: "tcpweb TCP:10.0.0.4:80\nIPsec FWM:3\n", want: map[procnet.IPVSServiceID][2]string{
			tcp("10.0.0.4", 80): {"tcpweb", "tcpweb"}, {Protocol: "FWM", Mark: 3}: {"IPsec", "IPsec"},
		}},
		{name: "long name", text: strings.Repeat("x", 65) + " TCP:10.0.0.4:80\n", err: "names:1: name"},
		{name: "control character", text: "we\x01b TCP:10.0.0.4:80\n", err: `names:1: name "we\x01b": want up to 64 printable characters`},
		{name: "line too long", text: "web TCP:10.0.0.4:80\n" + strings.Repeat("x", 70000) + "\n", err: "names:2: line too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(strings.NewReader(tt.text), "names")
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n.Len() != len(tt.want) {
				t.Errorf("%d services named, want %d", n.Len(), len(tt.want))
			}
			for id, w := range tt.want {
				name, ok1 := n.Name(id)
				key, ok2 := n.Key(id)
				if !ok1 || !ok2 || name != w[0] || key != w[1] {
					t.Errorf("%s: name %q key %q (%v %v), want %q %q", id, name, key, ok1, ok2, w[0], w[1])
				}
			}
		})
	}
}

func TestLabelAndUnknown(t *testing.T) {
	n, err := Parse(strings.NewReader("web TCP:10.0.0.4:80\n"), "f")
	if err != nil {
		t.Fatal(err)
	}
	if got := n.Label(tcp("10.0.0.4", 80)); got != "web (TCP 10.0.0.4:80)" {
		t.Errorf("label %q", got)
	}
	if got := n.Label(tcp("10.0.0.5", 80)); got != "TCP 10.0.0.5:80" {
		t.Errorf("unnamed label %q", got)
	}
	if _, ok := n.Key(tcp("10.0.0.5", 80)); ok {
		t.Error("an unknown service has a key")
	}
	var none *Names
	if _, ok := none.Key(tcp("10.0.0.4", 80)); ok || none.Label(tcp("10.0.0.4", 80)) != "TCP 10.0.0.4:80" || none.Refuse("f", "other") != nil {
		t.Error("nil Names names something")
	}
}

func TestRefuse(t *testing.T) {
	n, err := Parse(strings.NewReader("web TCP:10.0.0.4:80\nother TCP:10.0.0.5:80\nstats TCP:10.0.0.6:80\n"), "f")
	if err != nil {
		t.Fatal(err)
	}
	err = n.Refuse("f", "stats", "other")
	if err == nil || !strings.HasPrefix(err.Error(), `f:2: name "other" of TCP 10.0.0.5:80 is the key "other"`) {
		t.Errorf("error %v", err)
	}
}

func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "names")
	if err := os.WriteFile(path, []byte("web TCP:10.0.0.4:80\nbad\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.HasPrefix(err.Error(), path+":2: ") {
		t.Errorf("error %v, want it to start with %s:2", err, path)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing")); !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
}

// FuzzParse: any file gives names or an error naming a line of it, never
// a panic, and every key is in Mackerel's alphabet.
func FuzzParse(f *testing.F) {
	f.Add("web TCP:10.0.0.4:80\nmail FWM6:7 # x\n")
	f.Add("a.b UDP:[2001:db8::1]:53\na:b TCP:10.0.0.5:80\n")
	f.Add("web\n")
	f.Fuzz(func(t *testing.T, text string) {
		n, err := Parse(strings.NewReader(text), "f")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f:") {
				t.Fatalf("error without the file: %v", err)
			}
			return
		}
		for id, e := range n.byID {
			if e.key == "" || KeyOf(e.key) != e.key {
				t.Fatalf("%s: key %q", id, e.key)
			}
			back, err := ParseService(ServiceNotation(id))
			if err != nil || back != id {
				t.Fatalf("%s does not read back: %v %v", id, back, err)
			}
		}
	})
}
