package checkipvs

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/statefile"
)

// FuzzReadState feeds readState, header only and whole, any file content
// up to 1 MiB (larger files Open refuses at maxStateSize): it never
// panics, refuses no file of the user's own, and gives memory only from a
// state of this program for the root.
func FuzzReadState(f *testing.F) {
	for _, seed := range []string{
		`{"program":"check-ipvs","format":1,"procfs_root":"/proc","pool":"1"}` + "\nS TCP:10.0.0.4:80\n7F000001:1F9B 10\n",
		`{"program":"check-ipvs","format":1,"procfs_root":"/proc","pool":"1","removed":[{"service":"TCP:10.0.0.4:80","real_server":"127.0.0.1:8092","weight":10,"last_seen":1700000000}]}` + "\n",
		`{"program":"check-ipvs","format":1,"procfs_root":"/proc","pool":"1","weights":[{"service":"FWM:1","real_server":"[2001:db8::1]:0","weight":3}]}` + "\nS FWM:1\n[20010DB8000000000000000000000001]:0000 3\n",
		`{"program":"check-ipvs","format":1,"procfs_root":"/proc","pool":"1"}` + "\n7F000001:1F9B 10\n",
		"", "\n", "\x00\xff\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<20 {
			return
		}
		path := filepath.Join(t.TempDir(), "state")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, whole := range []bool{false, true} {
			rem, err := readState(path, "/proc", whole)
			if errors.Is(err, statefile.ErrUntrusted) {
				t.Fatalf("a file of the user's own refused: %v", err)
			}
			if err == nil && rem.pool == "" {
				t.Fatalf("memory without a pool fingerprint from %q", b)
			}
		}
	})
}
