package checkipvs

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

func TestReadFailure(t *testing.T) {
	root := t.TempDir()
	ipvs := filepath.Join(root, "net", "ip_vs")
	missingRoot := filepath.Join(root, "nowhere")
	tests := []struct {
		name string
		root string
		err  error
		want string
	}{
		{
			name: "module not loaded",
			root: root,
			err:  &fs.PathError{Op: "open", Path: ipvs, Err: syscall.ENOENT},
			want: ipvs + " not found: the ip_vs module is not loaded, or the file is hidden from this process (in a container, mount the host's /proc and set --procfs-root or HOST_PROC)",
		},
		{
			name: "procfs root missing",
			root: missingRoot,
			err:  &fs.PathError{Op: "open", Path: filepath.Join(missingRoot, "net", "ip_vs"), Err: syscall.ENOENT},
			want: "procfs root " + missingRoot + " not found",
		},
		{
			name: "permission denied",
			root: root,
			err:  &fs.PathError{Op: "open", Path: ipvs, Err: syscall.EACCES},
			want: "cannot read " + ipvs + ": permission denied",
		},
		{
			name: "read error",
			root: root,
			err:  &procnet.ParseError{File: ipvs, Line: 1, Err: &fs.PathError{Op: "read", Path: ipvs, Err: syscall.EISDIR}},
			want: "cannot read " + ipvs + ": is a directory",
		},
		{
			name: "malformed",
			root: root,
			err:  &procnet.ParseError{File: ipvs, Line: 7, Err: errors.New(`real server: weight "x": invalid number`)},
			want: "cannot parse " + ipvs + `:7: real server: weight "x": invalid number`,
		},
		{
			name: "something else",
			root: root,
			err:  fmt.Errorf("walk: %w", errors.New("boom")),
			want: "cannot read " + ipvs + ": walk: boom",
		},
	}
	for _, tt := range tests {
		if got := readFailure(procnet.NewFS(tt.root), tt.err); got != tt.want {
			t.Errorf("%s: readFailure = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestMainInProcess covers what the binary tests cannot see cheaply: that
// Main writes nothing but the result line to stdout.
func TestMainInProcess(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "net"), 0o755); err != nil {
		t.Fatal(err)
	}
	table := "IP Virtual Server version 1.2.1 (size=4096)\n" +
		"Prot LocalAddress:Port Scheduler Flags\n" +
		"  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n" +
		"TCP  0A000001:0050 wlc  \n" +
		"  -> 0A000102:0050      Route   0      3          17        \n" +
		"  -> 0A000103:0050      Route   1      0          2         \n"
	if err := os.WriteFile(filepath.Join(root, "net", "ip_vs"), []byte(table), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := Main([]string{"--procfs-root", root}, &stdout, &stderr)
	if want := "IPVS WARNING: TCP 10.0.0.1:80 -> 10.0.1.2:80 weight 0\n"; code != 1 || stdout.String() != want || stderr.Len() != 0 {
		t.Errorf("Main = %d, stdout %q, stderr %q; want 1, %q, nothing", code, stdout.String(), stderr.String(), want)
	}
}
