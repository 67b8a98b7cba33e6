package procnet

import (
	"errors"
	"io/fs"
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
			t.Setenv(RootEnv, tt.env)
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
