package procnet

import "testing"

func TestFamilyFacts(t *testing.T) {
	tests := []struct {
		f                                   Family
		name, ip, table, rows, sysctl, stat string
		hasRows                             bool
	}{
		{Inet, "inet", "ipv4", "arp_cache", "net/arp", "sys/net/ipv4/neigh/default", "net/stat/arp_cache", true},
		{Inet6, "inet6", "ipv6", "ndisc_cache", "", "sys/net/ipv6/neigh/default", "net/stat/ndisc_cache", false},
		{Family(7), "inet", "ipv4", "arp_cache", "net/arp", "sys/net/ipv4/neigh/default", "net/stat/arp_cache", true},
	}
	for _, tt := range tests {
		rows, hasRows := tt.f.RowsFile()
		got := []string{tt.f.String(), tt.f.IP(), tt.f.TableName(), rows, tt.f.NeighSysctlDir(), tt.f.statFile()}
		want := []string{tt.name, tt.ip, tt.table, tt.rows, tt.sysctl, tt.stat}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("Family(%d): fact %d = %q, want %q", tt.f, i, got[i], want[i])
			}
		}
		if hasRows != tt.hasRows {
			t.Errorf("Family(%d).RowsFile ok = %v, want %v", tt.f, hasRows, tt.hasRows)
		}
		if p, err := ParseFamily(tt.name); err != nil || p != tt.f.known() {
			t.Errorf("ParseFamily(%q) = %v, %v", tt.name, p, err)
		}
	}
	if _, err := ParseFamily("inet7"); err == nil {
		t.Error("ParseFamily(inet7): no error")
	}
}
