package statefile

import (
	"fmt"
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
	if want := fmt.Sprintf("/var/tmp/mackerel/mackerel-plugin-proc-net-%d/plugin-", os.Geteuid()); !strings.HasPrefix(a, want) {
		t.Errorf("path %s not in the user's directory under MACKEREL_PLUGIN_WORKDIR (%s...) or not named after the program", a, want)
	}
}

// A binary reading another network namespace (--netns) keeps one state
// per namespace it reads: the named namespace's identity keys the path,
// and "" is the binary's own.
func TestDefaultPathInDependsOnNamespace(t *testing.T) {
	t.Setenv("MACKEREL_PLUGIN_WORKDIR", "/var/tmp/mackerel")
	args := []string{"--procfs-root=/proc"}
	own, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		t.Skipf("no network namespace link: %v", err)
	}
	tests := []struct {
		a, b string
		same bool
	}{
		{"net:[4026532001]", "net:[4026532002]", false},
		{"net:[4026532001]", "net:[4026532001]", true},
		{"", own, true},
		{"", "net:[4026532001]", own == "net:[4026532001]"},
	}
	for _, tt := range tests {
		pa, pb := DefaultPathIn("check-ipvs", args, tt.a), DefaultPathIn("check-ipvs", args, tt.b)
		if (pa == pb) != tt.same {
			t.Errorf("%q -> %s, %q -> %s: same %v, want %v", tt.a, pa, tt.b, pb, pa == pb, tt.same)
		}
	}
	if DefaultPath("check-ipvs", args) != DefaultPathIn("check-ipvs", args, "") {
		t.Error("DefaultPath is not DefaultPathIn of the own namespace")
	}
}
