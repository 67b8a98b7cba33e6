package checkarptable

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/statefile"
)

// FuzzLoadState feeds loadState any file content up to maxStateSize:
// it never panics, refuses no file of the user's own, and accepts only a
// state of this program and family.
func FuzzLoadState(f *testing.F) {
	for _, seed := range []string{
		`{"program":"check-arp-table","family":"inet","table_fulls":17,"boot_id":"b","time":1700000000}`,
		`{"program":"check-arp-table","family":"inet6","table_fulls":-1}`,
		`{"program":"check-ipvs"}`, `{"table_fulls":1e30}`, `[]`, "", "\x00\xff",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > maxStateSize {
			return
		}
		path := filepath.Join(t.TempDir(), "state.json")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		st, ok, err := loadState(path, "inet")
		if errors.Is(err, statefile.ErrUntrusted) {
			t.Fatalf("a file of the user's own refused: %v", err)
		}
		if ok && (st.Program != programName || st.Family != "inet") {
			t.Fatalf("accepted %+v", st)
		}
	})
}
