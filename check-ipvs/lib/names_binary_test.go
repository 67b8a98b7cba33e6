package checkipvs_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

func namesFile(name string) string {
	return filepath.Join(testbin.RepoRoot(), "testdata", "service-names", name)
}

// --service-names puts a service's name before its address in the
// message; a service it does not name is written as before.
func TestBinaryServiceNames(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.names")
	if err := os.WriteFile(bad, []byte("web TCP:10.0.0.1:80\n\nweb TCP:10.0.0.1:443\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	state := func(name string) []string { return []string{"--state-file", filepath.Join(dir, name)} }
	runCases(t, []binaryCase{
		{
			name:     "named and unnamed offenders",
			args:     args(root("ipvs-mixed-offenders"), state("a"), []string{"--service-names", namesFile("mixed-offenders.names")}),
			wantCode: 2,
			wantStdout: "IPVS CRITICAL: api6 (TCP [2001:db8::1]:443): 0 of 2 real servers available; " +
				"UDP [2001:db8::53]:53: no real servers; " +
				"web (TCP 10.0.0.1:80) -> 10.0.1.3:80 weight 0; " +
				"UDP 10.0.0.1:53 -> [2001:db8::104]:53 weight 0; " +
				"mail (FWM 42) -> 10.0.1.5:0 weight 0\n",
		},
		{
			name:       "a named service not present",
			args:       args(root("ipvs-one-quiescent"), state("b"), []string{"--service-names=" + namesFile("mixed-offenders.names"), "--expect", "UDP:10.0.0.9:53"}),
			wantCode:   2,
			wantStdout: "IPVS CRITICAL: gone (UDP 10.0.0.9:53) not present; web (TCP 10.0.0.1:80) -> 10.0.1.3:80 weight 0\n",
		},
		{
			name:       "two services under one name",
			args:       args(root("ipvs-one-quiescent"), state("c"), []string{"--service-names", bad}),
			wantCode:   3,
			wantStdout: "IPVS UNKNOWN: --service-names: " + bad + ":3: name \"web\" has the key web of line 1's: two services under one name\n",
		},
	})
}

// A names file that cannot be read is UNKNOWN naming it, never a run
// without the names.
func TestBinaryServiceNamesMissingFile(t *testing.T) {
	bin := testbin.Build(t, pkg)
	missing := filepath.Join(t.TempDir(), "none")
	res := testbin.Run(t, bin, nil, args(root("ipvs-one-quiescent"), []string{"--service-names", missing})...)
	if res.ExitCode != 3 || !strings.HasPrefix(res.Stdout, "IPVS UNKNOWN: --service-names: open "+missing) {
		t.Errorf("exit %d stdout %q", res.ExitCode, res.Stdout)
	}
}
