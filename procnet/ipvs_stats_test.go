package procnet

import (
	"strings"
	"testing"
)

func TestIPVSStats(t *testing.T) {
	got, err := NewFS("../testdata/lvs-director").IPVSStats()
	if err != nil {
		t.Fatal(err)
	}
	want := IPVSStats{
		Totals: IPVSCounters{Conns: 0x2A, InPackets: 0x1F4, OutPackets: 0x1C2, InBytes: 0x1D4C0, OutBytes: 0x2FAF080},
		Rates:  IPVSCounters{Conns: 1, InPackets: 0x14, OutPackets: 0x12, InBytes: 0x7D0, OutBytes: 0x1F40},
	}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestIPVSStatsPerCPUSparseHexIDs(t *testing.T) {
	got, err := NewFS("../testdata/lvs-director").IPVSStatsPerCPU()
	if err != nil {
		t.Fatal(err)
	}
	wantIDs := []uint32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 24, 25, 31, 32}
	if len(got.CPUs) != len(wantIDs) {
		t.Fatalf("got %d CPU rows, want %d", len(got.CPUs), len(wantIDs))
	}
	var sum IPVSCounters
	for i, c := range got.CPUs {
		if c.CPU != wantIDs[i] {
			t.Errorf("row %d: CPU %d, want %d", i, c.CPU, wantIDs[i])
		}
		n := uint64(c.CPU) + 1
		if want := (IPVSCounters{n, 10 * n, 9 * n, 1000 * n, 900 * n}); c.Counters != want {
			t.Errorf("CPU %d: %+v, want %+v", c.CPU, c.Counters, want)
		}
		sum.Conns += c.Counters.Conns
		sum.OutBytes += c.Counters.OutBytes
	}
	if got.Total.Conns != sum.Conns || got.Total.OutBytes != sum.OutBytes {
		t.Errorf("total %+v does not match the sum of the rows %+v", got.Total, sum)
	}
	if want := (IPVSCounters{1, 2, 3, 4, 5}); got.Rates != want {
		t.Errorf("rates %+v, want %+v", got.Rates, want)
	}
}

func TestIPVSStatsPerCPUOld32Bit(t *testing.T) {
	got, err := NewFS("../testdata/ipvs-stats-32bit").IPVSStatsPerCPU()
	if err != nil {
		t.Fatal(err)
	}
	if len(got.CPUs) != 2 || got.CPUs[0].Counters.Conns != 0xFFFFFFF0 || got.CPUs[0].Counters.InBytes != 0x1FFFFFFFF {
		t.Errorf("got %+v", got)
	}
	if got.Total.Conns != 0xFFFFFFF5 {
		t.Errorf("total conns %#x", got.Total.Conns)
	}
}

func TestIPVSStatsErrors(t *testing.T) {
	tests := []struct {
		name, in, msg string
		percpu        bool
	}{
		{"empty", "", "found 0 rows", false},
		{"header only", "   Total Incoming Outgoing         Incoming         Outgoing\n   Conns  Packets  Packets            Bytes            Bytes\n", "found 0 rows", false},
		{"rates missing", "   Conns  Packets  Packets            Bytes            Bytes\n       1        2        3                4                5\n", "found 1 rows", false},
		{"four values", "       1        2        3                4\n", "4 values, want 5", false},
		{"garbage value", "       1        2        3                4             zz5\n", "outgoing bytes", false},
		{"garbage row is not skipped", "   Conns  Packets\n\x00zz 1 2 3 4\n       1        2        3                4                5\n", "f:2:", false},
		{"percpu garbage row is not skipped", "CPU    Conns\n\x00\xff  0        1        2        3                4                5\n", "f:2:", true},
		{"percpu without total", "CPU    Conns\n  0        1        2        3                4                5\n", "incomplete", true},
		{"percpu duplicate cpu", "  0 1 2 3 4 5\n  0 1 2 3 4 5\n", "listed twice", true},
		{"percpu cpu id too large", "1FFFFFFFF 1 2 3 4 5\n", "CPU id", true},
		{"percpu row after total", "  0 1 2 3 4 5\n  ~ 1 2 3 4 5\n  1 1 2 3 4 5\n", "after the total", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.percpu {
				_, err = parseIPVSStatsPerCPU(strings.NewReader(tt.in), "f")
			} else {
				_, err = parseIPVSStats(strings.NewReader(tt.in), "f")
			}
			if err == nil || !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), "f") {
				t.Errorf("error %v, want one naming the file and mentioning %q", err, tt.msg)
			}
		})
	}
}
