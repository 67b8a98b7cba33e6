package ipvs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// -service-names puts the names in place of the addresses in the keys of
// the services it names, the others keeping theirs; the count of keys is
// that of the run without it.
func TestServiceNamesInKeys(t *testing.T) {
	bin := testbin.Build(t, pkg)
	names := filepath.Join(testbin.RepoRoot(), "testdata", "service-names", "lvs-director.names")
	fixture := testbin.Fixture("lvs-director")
	plain := testbin.ValueMap(t, testbin.Run(t, bin, nil, "-procfs-root", fixture, "-tempfile", filepath.Join(t.TempDir(), "s")).Stdout)
	res := testbin.Run(t, bin, nil, "-procfs-root", fixture, "--service-names", names, "-tempfile", filepath.Join(t.TempDir(), "s"))
	if res.ExitCode != 0 || res.Stderr != "" {
		t.Fatalf("exit %d stderr %q", res.ExitCode, res.Stderr)
	}
	named := testbin.ValueMap(t, res.Stdout)
	if len(named) != len(plain) {
		t.Errorf("%d keys with names, %d without", len(named), len(plain))
	}
	for key, v := range map[string]float64{
		"proc.net.ip_vs.web.weight.10_0_1_2_80":             1,
		"proc.net.ip_vs.www_tls.active_conns.10_0_1_3_443":  11,
		"proc.net.ip_vs.web6.real_servers.total":            2,
		"proc.net.ip_vs.mail.weight.2001_db8__104_0":        3,
		"proc.net.ip_vs.UDP_10_0_0_1_53.real_servers.total": 1,
	} {
		if got, ok := named[key]; !ok || got != v {
			t.Errorf("%s = %v (printed %v), want %v", key, got, ok, v)
		}
	}
	for key := range named {
		for _, gone := range []string{".TCP_10_0_0_1_80.", ".TCP_10_0_0_1_443.", ".TCP_2001_db8__1_80.", ".FWM_1."} {
			if strings.Contains(key, gone) {
				t.Errorf("%s: a named service printed under its address", key)
			}
		}
	}
}

// A names file that cannot be used is an error naming its line, exit 1,
// nothing printed: never the address keys instead.
func TestServiceNamesErrors(t *testing.T) {
	bin := testbin.Build(t, pkg)
	dir := t.TempDir()
	tests := []struct{ name, text, stderr string }{
		{"same name", "web TCP:10.0.0.1:80\nweb TCP:10.0.0.1:443\n", ":2: name \"web\" has the key web of line 1's"},
		{"same service", "web TCP:10.0.0.1:80\n# x\nwww TCP:10.0.0.1:80\n", ":3: TCP 10.0.0.1:80 is named on line 1 already"},
		{"bad line", "web\n", ":1: want NAME SERVICE"},
		{"reserved", "web TCP:10.0.0.1:80\nstats TCP:10.0.0.1:443\n", `:2: name "stats" of TCP 10.0.0.1:443 is the key "stats", which the plugin prints for itself`},
		{"missing", "", "no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-"))
			if tt.text != "" {
				if err := os.WriteFile(path, []byte(tt.text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			res := testbin.Run(t, bin, nil, "-procfs-root", testbin.Fixture("lvs-director"), "-service-names", path, "-tempfile", filepath.Join(dir, "s"))
			if res.ExitCode != 1 || res.Stdout != "" || !strings.Contains(res.Stderr, "-service-names: ") || !strings.Contains(res.Stderr, path) || !strings.Contains(res.Stderr, tt.stderr) {
				t.Errorf("exit %d stdout %q stderr %q, want 1, nothing, and %q", res.ExitCode, res.Stdout, res.Stderr, tt.stderr)
			}
		})
	}
}
