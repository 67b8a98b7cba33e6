package arp

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/devtools/bench/gen"
	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// TestOrdinaryHostsKeepTheirDevices: in namespaces that look like the
// hosts most users have, two or three devices with IPv4 and IPv6
// neighbours each, the plugin prints every device by default, within its default,
// without a word on stderr. As root only.
func TestOrdinaryHostsKeepTheirDevices(t *testing.T) {
	bin := testbin.Build(t, pkg)
	for _, devs := range [][]string{
		{"eth0", "eth1"},
		{"eth0", "docker0"},
		{"eth0", "eth1", "docker0"},
		{"bond0", "bond0.100", "bond0.200"},
	} {
		t.Run(strings.Join(devs, "+"), func(t *testing.T) {
			ns := testbin.NewNetNS(t)
			var batch strings.Builder
			for i, dev := range devs {
				// The peer has no neighbours, so no rows: only dev counts.
				fmt.Fprintf(&batch, "link add %s type veth peer name peer%d\nlink set %s up\nlink set peer%d up\n", dev, i, dev, i)
				for j := 1; j <= 3; j++ {
					fmt.Fprintf(&batch, "neigh add 10.9%d.0.%d lladdr 02:00:00:00:%02x:%02x dev %s nud permanent\n", i, j, i, j, dev)
					fmt.Fprintf(&batch, "neigh add 2001:db8:9%d::%d lladdr 02:00:00:00:%02x:%02x dev %s nud permanent\n", i, j, i, j, dev)
				}
			}
			ns.Batch(t, []byte(batch.String()))
			state := filepath.Join(t.TempDir(), "s.json")
			first := ns.Run(t, nil, bin, "-tempfile", state)
			testbin.AgeState(t, state)
			second := ns.Run(t, nil, bin, "-tempfile", state)
			if first.ExitCode != 0 || second.ExitCode != 0 || first.Stderr != "" || second.Stderr != "" {
				t.Fatalf("exit %d, %d; stderr %q, %q: a fold?", first.ExitCode, second.ExitCode, first.Stderr, second.Stderr)
			}
			vals := testbin.ValueMap(t, second.Stdout)
			t.Logf("%d metrics", len(vals))
			if len(vals) > defaultMaxMetrics {
				t.Errorf("%d metrics, over the default %d", len(vals), defaultMaxMetrics)
			}
			for _, dev := range devs {
				for _, p := range []string{"devices.", "ipv6_devices."} {
					if k := "proc.net.arp." + p + deviceKey(dev) + ".permanent"; vals[k] != 3 {
						t.Errorf("%s = %v, want 3 (per device, not folded)", k, vals[k])
					}
				}
			}
		})
	}
}

// TestOscillatingDeviceKeepsTheShape: a device whose one neighbour comes
// and goes moves the keys across the bound on every run (from files: 15
// fixed keys and six NICs, 39, the least bound; docker0 4 more); once
// folded by name family, the NICs keep the family keys, told once.
func TestOscillatingDeviceKeepsTheShape(t *testing.T) {
	bin := testbin.Build(t, pkg)
	tree := func(third bool) string {
		root := t.TempDir()
		if _, err := gen.Write(root, gen.Sizes{ARPRows: 1, GCThresh3: 1024}); err != nil {
			t.Fatal(err)
		}
		rows := "IP address       HW type     Flags       HW address            Mask     Device\n"
		for i := range 6 {
			rows += fmt.Sprintf("10.0.%d.1         0x1         0x2         52:54:00:12:34:%02x     *        eth%d\n", i, i, i)
		}
		if third {
			rows += "172.17.0.2       0x1         0x2         02:42:ac:11:00:02     *        docker0\n"
		}
		if err := os.WriteFile(filepath.Join(root, "net", "arp"), []byte(rows), 0o644); err != nil {
			t.Fatal(err)
		}
		return root
	}
	with, without := tree(true), tree(false)
	runs := testbin.Oscillate(t, bin, []string{without, with, without, with, without, with}, "-max-metrics", "39")
	for i, r := range runs {
		if (r.Stderr != "") != (i == 1) {
			t.Errorf("run %d: stderr %q, want one notice, on run 1", i, r.Stderr)
		}
		nics := testbin.KeysOf(r, "proc.net.arp.devices.eth")
		if i >= 1 && strings.Join(nics, " ") != strings.Join(testbin.KeysOf(runs[1], "proc.net.arp.devices.eth"), " ") {
			t.Errorf("run %d: the NICs' keys changed: %v", i, nics)
		}
	}
	if len(testbin.KeysOf(runs[2], "proc.net.arp.devices.eth.")) != countKeys {
		t.Errorf("folded runs print %v, want the eth family", testbin.KeysOf(runs[2], "proc.net.arp.devices."))
	}
}
