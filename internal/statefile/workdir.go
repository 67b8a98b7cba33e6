package statefile

import (
	"os"
	"path/filepath"
	"strconv"
)

// agentWorkDir is the work directory mackerel-agent's systemd unit gives
// its plugins (MACKEREL_PLUGIN_WORKDIR): a run by hand, where the
// variable is unset, uses it too when it exists, so that it finds the
// agent's state.
const agentWorkDir = "/var/tmp/mackerel-agent"

// WorkDir is the directory that holds the per-user state directory:
// $MACKEREL_PLUGIN_WORKDIR when set; else mackerel-agent's own work
// directory where it exists; else the OS temp dir.
func WorkDir() string {
	if d := os.Getenv("MACKEREL_PLUGIN_WORKDIR"); d != "" {
		return d
	}
	if fi, err := os.Stat(agentWorkDir); err == nil && fi.IsDir() {
		return agentWorkDir
	}
	return os.TempDir()
}

// Dir is where state files go by default: a directory of the effective
// user's own inside WorkDir, made mode 0700 by the first run that saves a
// state. Only that user can create, replace or remove a file in it, so no
// other user can plant, hang or forge a state there.
func Dir() string {
	return filepath.Join(WorkDir(), "mackerel-plugin-proc-net-"+strconv.Itoa(os.Geteuid()))
}
