package arp

import "testing"

func TestFamily(t *testing.T) {
	for dev, want := range map[string]string{
		"eth0": "eth", "eth12": "eth", "eth0.100": "eth", "bond0.100": "bond", "enp3s0": "enp", "ib0": "ib", "wg0": "wg",
		"docker0": "docker", "flannel.1": "flannel", "br-lan": "br-lan", "br-3f2a1b4c5d6e": "br",
		"veth3fa2b1c4": "veth", "vethe3b1c2d4": "veth", "cali0ab12cd34ef": "cali", "calie8a1b2c3d4e": "cali",
		"lxc9ab0cdef12": "lxc", "lxcabcdef12": "lxc", "gke1234abcd": "gke", "tap123": "tap",
		"lo": "lo", "weave": "weave", "bridge": "bridge", "*": "*", "0abc": "0abc", "abc123def456": "abc",
	} {
		if got := family(dev); got != want {
			t.Errorf("family(%q) = %q, want %q", dev, got, want)
		}
	}
}
