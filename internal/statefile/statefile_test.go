package statefile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteAtomicReplacesAndLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "state.json")
	for _, content := range []string{"first", "second"} {
		if err := WriteAtomic(p, []byte(content)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(p)
		if err != nil || string(got) != content {
			t.Fatalf("read %q, %v; want %q", got, err, content)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the state file", len(entries))
	}
}

func TestWriteAtomicUnwritableDir(t *testing.T) {
	err := WriteAtomic(filepath.Join(t.TempDir(), "missing", "state.json"), []byte("x"))
	if err == nil || !strings.Contains(err.Error(), "state file") {
		t.Fatalf("error %v, want one naming the state file", err)
	}
}

func TestDefaultPathDependsOnArgs(t *testing.T) {
	t.Setenv("MACKEREL_PLUGIN_WORKDIR", "/var/tmp/mackerel")
	a := DefaultPath("/opt/bin/plugin", []string{"-cpus", "4"})
	b := DefaultPath("/opt/bin/plugin", []string{"-cpus", "8"})
	if a == b {
		t.Errorf("same path %s for different arguments", a)
	}
	if a != DefaultPath("/opt/bin/plugin", []string{"-cpus", "4"}) {
		t.Error("path not stable for the same arguments")
	}
	if !strings.HasPrefix(a, "/var/tmp/mackerel/plugin-") {
		t.Errorf("path %s not under MACKEREL_PLUGIN_WORKDIR or not named after the program", a)
	}
}
