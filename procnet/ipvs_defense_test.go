package procnet

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestIPVSDefenseFixtures(t *testing.T) {
	tests := []struct {
		tree    string
		want    IPVSDefense
		dropped []string // strategies at 2
		always  []string // strategies at 3
		wantErr string   // the file and line the error names
	}{
		{tree: "ipvs-defense-idle", want: IPVSDefense{Modes: [3]DefenseMode{1, 1, 0}, AMemThresh: 1024}},
		{tree: "ipvs-defense-drop-entry-active", want: IPVSDefense{Modes: [3]DefenseMode{2, 1, 0}, AMemThresh: 2000000}, dropped: []string{"drop_entry"}},
		{tree: "ipvs-defense-drop-packet-always", want: IPVSDefense{Modes: [3]DefenseMode{1, 3, 0}, AMemThresh: 1024}, always: []string{"drop_packet"}},
		{tree: "ipvs-defense-malformed", wantErr: "sys/net/ipv4/vs/drop_packet:1: defense mode 7: want 0 to 3"},
	}
	for _, tt := range tests {
		t.Run(tt.tree, func(t *testing.T) {
			got, err := NewFS(filepath.Join("..", "testdata", tt.tree)).IPVSDefense()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if a := got.Active(DefenseActive); !slices.Equal(a, tt.dropped) {
				t.Errorf("active %v, want %v", a, tt.dropped)
			}
			if a := got.Active(DefenseAlways); !slices.Equal(a, tt.always) {
				t.Errorf("always %v, want %v", a, tt.always)
			}
		})
	}
}

func TestIPVSDefenseMissing(t *testing.T) {
	_, err := NewFS(filepath.Join("..", "testdata", "ipvs-all-available")).IPVSDefense()
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "sys/net/ipv4/vs/drop_entry") {
		t.Errorf("error %v, want a missing drop_entry", err)
	}
}

func TestParseDefenseMemory(t *testing.T) {
	tests := []struct {
		name, in string
		pageSize uint64
		want     uint64
		wantErr  string
	}{
		{name: "free and buffers", in: "MemTotal: 8 kB\nMemFree:  400 kB\nBuffers:  12 kB\n", pageSize: 4096, want: 103},
		{name: "pages of 64 KiB", in: "MemFree: 640 kB\nBuffers: 0 kB\n", pageSize: 65536, want: 10},
		{name: "no Buffers", in: "MemFree: 400 kB\n", pageSize: 4096, wantErr: "meminfo: no Buffers: line"},
		{name: "no unit", in: "MemFree: 400\nBuffers: 1 kB\n", pageSize: 4096, wantErr: "meminfo:1: MemFree:"},
		{name: "not a number", in: "MemFree: 4x0 kB\nBuffers: 1 kB\n", pageSize: 4096, wantErr: "meminfo:1: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseDefenseMemory(strings.NewReader(tt.in), "meminfo", tt.pageSize)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one starting %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %d, %v, want %d", got, err, tt.want)
			}
		})
	}
}

func TestDefenseMemoryFixture(t *testing.T) {
	got, err := NewFS(filepath.Join("..", "testdata", "ipvs-defense-drop-entry-active")).DefenseMemory()
	if err != nil {
		t.Fatal(err)
	}
	if want := uint64(1745392+2048) * 1024 / uint64(os.Getpagesize()); got != want {
		t.Errorf("got %d pages, want %d", got, want)
	}
}
