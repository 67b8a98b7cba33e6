package main

import (
	"archive/zip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestRun makes dist/ from a one-command module with the repository's
// .goreleaser.yaml, and keeps the old dist/ when a build fails.
func TestRun(t *testing.T) {
	cfg, err := filepath.Abs("../../../../.goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	for name, text := range map[string]string{
		"go.mod":         "module example.com/p\n\ngo 1.26\n",
		"hello/main.go":  "package main\n\nfunc main() {}\n",
		"broken/main.go": "package main\n\nfunc main() { undefined() }\n",
		"README.md":      "readme\n",
		"LICENSE":        "license\n",
	} {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	if err := run(cfg, "dist", "go", "1.2.3", "-s -w", []string{"hello"}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"mackerel-plugin-proc-net_1.2.3_amd64.deb",
		"mackerel-plugin-proc-net_1.2.3_amd64.rpm",
		"mackerel-plugin-proc-net_1.2.3_arm64.deb",
		"mackerel-plugin-proc-net_1.2.3_arm64.rpm",
		"mackerel-plugin-proc-net_linux_amd64.zip",
		"mackerel-plugin-proc-net_linux_arm64.zip",
	}
	if got := ls(t, "dist"); !slices.Equal(got, want) {
		t.Fatalf("dist/ holds %v, want %v", got, want)
	}
	z, err := zip.OpenReader("dist/mackerel-plugin-proc-net_linux_arm64.zip")
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	var entries []string
	for _, f := range z.File {
		entries = append(entries, f.Name+" "+f.Mode().String())
	}
	wantEntries := "mackerel-plugin-proc-net_linux_arm64/LICENSE -rw-r--r--," +
		"mackerel-plugin-proc-net_linux_arm64/README.md -rw-r--r--," +
		"mackerel-plugin-proc-net_linux_arm64/hello -rwxr-xr-x"
	if got := strings.Join(entries, ","); got != wantEntries {
		t.Errorf("zip holds %s, want %s", got, wantEntries)
	}
	if _, err := exec.LookPath("dpkg-deb"); err == nil {
		out, err := exec.Command("dpkg-deb", "--field", "dist/mackerel-plugin-proc-net_1.2.3_amd64.deb", "Version", "Architecture").Output()
		if err != nil || string(out) != "Version: 1.2.3\nArchitecture: amd64\n" {
			t.Errorf("deb fields: %v, %q", err, out)
		}
	}

	if err := run(cfg, "dist", "go", "1.2.4", "-s -w", []string{"hello", "broken"}); err == nil {
		t.Fatal("a broken build made dist/")
	}
	if got := ls(t, "dist"); !slices.Equal(got, want) {
		t.Errorf("after a failed build dist/ holds %v, want the old %v", got, want)
	}
	if got := ls(t, "."); slices.ContainsFunc(got, func(n string) bool { return strings.HasPrefix(n, ".dist-") }) {
		t.Errorf("a temporary directory is left: %v", got)
	}
}

func TestConfigRefusesWhatItCannotSpell(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	data, err := os.ReadFile("../../../../.goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.Replace(string(data), "license: MIT", "license: '{{ .Env.LICENSE }}'", 1))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadConfig(path); err == nil || !strings.Contains(err.Error(), "{{ .Env.LICENSE }}") {
		t.Errorf("loadConfig: %v, want the template refused", err)
	}
}

func ls(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
