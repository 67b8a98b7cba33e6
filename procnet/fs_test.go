package procnet

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestNewFSRoot(t *testing.T) {
	tests := []struct {
		name, env, arg, want string
	}{
		{"default", "", "", "/proc"},
		{"HOST_PROC overrides the default", "/host/proc", "", "/host/proc"},
		{"explicit root overrides HOST_PROC", "/host/proc", "../testdata/lvs-director", "../testdata/lvs-director"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(rootEnv, tt.env)
			if got := NewFS(tt.arg).Root(); got != tt.want {
				t.Errorf("NewFS(%q).Root() = %q with HOST_PROC=%q, want %q", tt.arg, got, tt.env, tt.want)
			}
		})
	}
}

func TestMissingFilesWrapErrNotExist(t *testing.T) {
	fsys := NewFS("../testdata/container") // no ip_vs, no stat files, no sysctls
	calls := map[string]func() error{
		"WalkIPVS":        func() error { return fsys.WalkIPVS(func(*Service) error { return nil }) },
		"IPVSStats":       func() error { _, err := fsys.IPVSStats(); return err },
		"IPVSStatsPerCPU": func() error { _, err := fsys.IPVSStatsPerCPU(); return err },
		"NeighCacheStats": func() error { _, err := fsys.NeighCacheStats(Inet); return err },
		"GCThresh":        func() error { _, err := fsys.GCThresh(Inet6); return err },
		"CountARP on a missing root": func() error {
			_, err := NewFS("../testdata/no-such-root").CountARP()
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := call()
			if !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("error %v does not wrap fs.ErrNotExist", err)
			}
		})
	}
}

func TestIsLive(t *testing.T) {
	link := filepath.Join(t.TempDir(), "proc")
	if err := os.Symlink("/proc", link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		root string
		want bool
	}{
		{"/proc", true},
		{"/proc/", true},
		{"//proc/.", true},
		{link, true},              // spelt otherwise, still the procfs
		{"/proc/1", false},        // a procfs, but another process's view
		{"/proc/net", false},      // not the top of the mount
		{"testdata/empty", false}, // a fixture tree
		{"/nonexistent", false},
	}
	for _, tt := range tests {
		if got := NewFS(tt.root).IsLive(); got != tt.want {
			t.Errorf("NewFS(%q).IsLive() = %v, want %v", tt.root, got, tt.want)
		}
	}
}
