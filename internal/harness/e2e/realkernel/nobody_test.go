//go:build e2e && linux

package realkernel

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/kernel"
)

// asNobody is one of our binaries copied where nobody (the agent's user
// in these tests) can run it, beside a shared work directory that is
// sticky, as /tmp is.
type asNobody struct {
	bin, work string
}

func newAsNobody(t *testing.T, name string) asNobody {
	t.Helper()
	base := t.TempDir()
	n := asNobody{bin: filepath.Join(base, name), work: filepath.Join(base, "work")}
	kernel.Sh(t, "mkdir -m 1777 "+n.work+"\nchmod 755 "+base+" "+filepath.Dir(base)+"\ncp "+kernel.Bin(t, name)+" "+n.bin+"\nchmod 755 "+n.bin)
	return n
}

// run runs the binary as nobody with MACKEREL_PLUGIN_WORKDIR the shared
// work directory.
func (n asNobody) run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	dir := filepath.Dir(n.bin)
	out, err := kernel.TrySh("set +e\nMACKEREL_PLUGIN_WORKDIR=" + n.work + " setpriv --reuid=65534 --regid=65534 --clear-groups " + n.bin + " " + strings.Join(args, " ") + " >" + dir + "/out 2>" + dir + "/err\necho $?")
	if err != nil {
		t.Fatalf("as nobody: %v: %s", err, out)
	}
	code, err = strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		t.Fatalf("as nobody: exit status %q", out)
	}
	stdout = kernel.Sh(t, "cat "+dir+"/out")
	stderr = kernel.Sh(t, "cat "+dir+"/err")
	return code, stdout, stderr
}
