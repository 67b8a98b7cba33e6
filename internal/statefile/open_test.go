//go:build unix

package statefile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOpenRefusesWhatIsNotAState plants every kind of thing a state path
// can hold: Open returns at once (a FIFO does not block it) with an
// error wrapping ErrUntrusted that names the file and the reason, and
// WriteAtomic then takes the path back without writing through it.
func TestOpenRefusesWhatIsNotAState(t *testing.T) {
	const maxSize = 1 << 10
	tests := []struct {
		name   string
		plant  func(t *testing.T, path string)
		reason string
		root   bool
	}{
		{"symlink", func(t *testing.T, p string) { must(t, os.Symlink(victim(t), p)) }, "is a symbolic link", false},
		{"FIFO", func(t *testing.T, p string) { must(t, syscall.Mkfifo(p, 0o600)) }, "is a FIFO, not a regular file", false},
		{"directory", func(t *testing.T, p string) {
			must(t, os.Mkdir(p, 0o700))
			must(t, os.WriteFile(filepath.Join(p, "inside"), nil, 0o600))
		}, "is a directory, not a regular file", false},
		{"hard link", func(t *testing.T, p string) { must(t, os.Link(victim(t), p)) }, "has 2 hard links, not 1", false},
		{"sparse 1 TB", func(t *testing.T, p string) {
			must(t, os.WriteFile(p, nil, 0o600))
			must(t, os.Truncate(p, 1<<40))
		}, "is 1099511627776 bytes, over the 1024 a state can need", false},
		{"another user's", func(t *testing.T, p string) {
			must(t, os.WriteFile(p, []byte(`{"forged":1}`), 0o644))
			must(t, os.Chown(p, 65534, 65534))
		}, "is owned by uid 65534, not this user (uid 0)", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.root && os.Geteuid() != 0 {
				t.Skip("needs root to give a file to another user")
			}
			p := filepath.Join(t.TempDir(), "state.json")
			tt.plant(t, p)
			f, err := Open(p, maxSize)
			if err == nil {
				f.Close()
				t.Fatal("opened")
			}
			if !errors.Is(err, ErrUntrusted) || !strings.Contains(err.Error(), p+" "+tt.reason) {
				t.Fatalf("error %q: want ErrUntrusted naming %s and %q", err, p, tt.reason)
			}
			if err := WriteAtomic(p, []byte("new")); err != nil {
				t.Fatalf("not taken back: %v", err)
			}
			f, err = Open(p, maxSize)
			if err != nil {
				t.Fatalf("after WriteAtomic: %v", err)
			}
			defer f.Close()
			if b, _ := io.ReadAll(f); string(b) != "new" {
				t.Errorf("read %q after WriteAtomic", b)
			}
		})
	}
}

// victim is a file a planted link points to: it must never change.
var victimContent = []byte("secret")

func victim(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "victim")
	must(t, os.WriteFile(p, victimContent, 0o600))
	old := time.Unix(1_000_000_000, 0)
	must(t, os.Chtimes(p, old, old))
	t.Cleanup(func() {
		b, err := os.ReadFile(p)
		fi, serr := os.Stat(p)
		if err != nil || string(b) != string(victimContent) || serr != nil || !fi.ModTime().Equal(old) {
			t.Errorf("the linked file changed: %q %v, %v", b, err, fi.ModTime())
		}
	})
	return p
}

func TestOpenAbsent(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "none"), 10)
	if !errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrUntrusted) {
		t.Errorf("error %v: want not-exist only", err)
	}
	_, err = Open(filepath.Join(t.TempDir(), "no-dir", "none"), 10)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v: want not-exist", err)
	}
}

// A directory other users may write without the sticky bit can hold no
// state: they could replace it between two runs.
func TestOpenRefusesOpenDirectory(t *testing.T) {
	d := t.TempDir()
	must(t, os.Chmod(d, 0o777))
	p := filepath.Join(d, "state.json")
	must(t, os.WriteFile(p, []byte("x"), 0o600))
	for _, err := range []error{openErr(p), WriteAtomic(p, []byte("y"))} {
		if !errors.Is(err, ErrUntrusted) || !strings.Contains(err.Error(), "writable by other users and not sticky") {
			t.Errorf("error %v: want the directory refused", err)
		}
	}
	must(t, syscall.Chmod(d, 0o1777))
	if err := openErr(p); err != nil {
		t.Errorf("sticky directory: %v", err)
	}
}

func openErr(p string) error {
	f, err := Open(p, 10)
	if err == nil {
		f.Close()
	}
	return err
}

func TestTouchSetsTheOpenFilesTime(t *testing.T) {
	p := filepath.Join(t.TempDir(), "state.json")
	must(t, os.WriteFile(p, []byte("x"), 0o600))
	f, err := Open(p, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// The path now names another file: the open one is touched.
	must(t, os.Rename(p, p+".old"))
	must(t, os.WriteFile(p, []byte("y"), 0o600))
	when := time.Unix(1_700_000_000, 0)
	if err := Touch(f, when); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{p + ".old": true, p: false} {
		fi, err := os.Stat(name)
		if err != nil || fi.ModTime().Equal(when) != want {
			t.Errorf("%s: mtime %v, %v; touched %v", name, fi.ModTime(), err, !want)
		}
	}
}

// The default directory is made 0700 and the user's; anything else in
// its place is moved aside by a save, never used.
func TestDirIsTheUsersOwn(t *testing.T) {
	work := t.TempDir()
	t.Setenv("MACKEREL_PLUGIN_WORKDIR", work)
	p := DefaultPath("plugin", nil)
	if filepath.Dir(p) != Dir() || filepath.Dir(Dir()) != work {
		t.Fatalf("path %s not in Dir() %s in %s", p, Dir(), work)
	}
	if _, err := Open(p, 10); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("first run: %v", err)
	}
	must(t, WriteAtomic(p, []byte("x")))
	fi, err := os.Lstat(Dir())
	if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Fatalf("Dir() %v, %v: want a directory of mode 0700", fi, err)
	}
	// A link in its place, to a directory of the user's: never followed.
	must(t, os.RemoveAll(Dir()))
	elsewhere := t.TempDir()
	must(t, os.Symlink(elsewhere, Dir()))
	if err := openErr(p); !errors.Is(err, ErrUntrusted) || !strings.Contains(err.Error(), "is a symbolic link") {
		t.Fatalf("link: %v", err)
	}
	must(t, WriteAtomic(p, []byte("x")))
	if fi, err := os.Lstat(Dir()); err != nil || !fi.IsDir() {
		t.Errorf("link not replaced by a directory: %v, %v", fi, err)
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 0 {
		t.Errorf("written through the link: %v", entries)
	}
	// A wider mode of the user's own directory is narrowed.
	must(t, os.Chmod(Dir(), 0o755))
	if err := openErr(p); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(Dir()); fi.Mode().Perm() != 0o700 {
		t.Errorf("mode %v left", fi.Mode())
	}
}

// Another user's directory in place of the user's: refused, and moved
// aside by root's save.
func TestDirOfAnotherUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a directory to another user")
	}
	work := t.TempDir()
	must(t, syscall.Chmod(work, 0o1777))
	t.Setenv("MACKEREL_PLUGIN_WORKDIR", work)
	must(t, os.Mkdir(Dir(), 0o700))
	must(t, os.Chown(Dir(), 65534, 65534))
	p := DefaultPath("plugin", nil)
	if err := openErr(p); !errors.Is(err, ErrUntrusted) || !strings.Contains(err.Error(), "is owned by uid 65534") {
		t.Fatalf("squatted: %v", err)
	}
	must(t, WriteAtomic(p, []byte("x")))
	if err := openErr(p); err != nil {
		t.Fatalf("after the save: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
