package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
	"github.com/procnet/mackerel-plugin-proc-net/internal/ipvsnames"
)

// keepalivedConf is the path the README's one-liner reads.
const keepalivedConf = "/etc/keepalived/keepalived.conf"

// The README's awk one-liner that writes a service-names file from a
// keepalived.conf: shown byte for byte, run with awk on a sample
// keepalived.conf, its output is the expected file and a names file that
// parses, every virtual_server block in it.
func TestKeepalivedNamesOneLiner(t *testing.T) {
	dir := filepath.Join(testbin.RepoRoot(), "testdata", "service-names")
	script, err := os.ReadFile(filepath.Join(dir, "keepalived-names.sh"))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(testbin.RepoRoot(), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```sh\n"+string(script)+"```\n") {
		t.Errorf("README.md does not show testdata/service-names/keepalived-names.sh as a sh block: copy it there")
	}
	if !strings.Contains(string(script), keepalivedConf) {
		t.Fatalf("the one-liner does not read %s", keepalivedConf)
	}
	conf := filepath.Join(dir, "keepalived.conf")
	cmd := exec.Command("sh", "-c", strings.Replace(string(script), keepalivedConf, conf, 1))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	want, err := os.ReadFile(filepath.Join(dir, "keepalived.names"))
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != string(want) {
		t.Errorf("one-liner wrote\n%s\nwant\n%s", out, want)
	}
	names, err := ipvsnames.Parse(strings.NewReader(string(out)), "keepalived.names")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Count(readFile(t, conf), "\nvirtual_server ")
	if lines := strings.Count(string(out), "\n"); lines != blocks || names.Len() != blocks-1 {
		t.Errorf("%d lines and %d names for %d virtual_server blocks, one without a name", lines, names.Len(), blocks)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
