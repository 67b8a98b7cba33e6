//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
	"github.com/procnet/mackerel-plugin-proc-net/internal/statefile"
)

// A plant is what another user (nobody) puts where root's state goes,
// before root's first run, in a sticky shared directory: at the default
// state directory (inDir) or at a --state-file/-tempfile path. The script
// runs as nobody with P the planted path, N the state file's name, F a
// forged state (made from a real one) and V a file of root's.
type plant struct {
	name   string
	inDir  bool   // P is the per-user state directory, not the file
	script string // run by sh as nobody
	feed   bool   // then keep writing /dev/zero into P, as nobody
	// open: P's directory is writable by others and not sticky, so the
	// path cannot be taken back: checks are UNKNOWN, metric plugins skip
	// rates, every run.
	open bool
}

var plants = []plant{
	{name: "another user's state directory", inDir: true, script: `mkdir -m 755 "$P" && cp "$F" "$P/$N"`},
	{name: "state directory a link to another user's", inDir: true, script: `mkdir -m 755 "$P.x" && cp "$F" "$P.x/$N" && ln -s "$P.x" "$P"`},
	{name: "state directory a FIFO", inDir: true, script: `mkfifo -m 666 "$P"`},
	{name: "FIFO", script: `mkfifo -m 666 "$P"`},
	{name: "FIFO fed from /dev/zero", script: `mkfifo -m 666 "$P"`, feed: true},
	{name: "sparse 1 TB file", script: `truncate -s 1T "$P"`},
	{name: "forged state", script: `cp "$F" "$P"`},
	{name: "directory", script: `mkdir "$P" && touch "$P/x"`},
	{name: "link to a file of root's", script: `ln -s "$V" "$P"`},
	{name: "forged state in a directory others may write", script: `cp "$F" "$P"`, open: true},
}

// planted is one binary's scenario: the table it reads, how a state is
// forged so that trusting it would show, and the runs after the plant.
type planted struct {
	binary  string
	check   bool
	args    []string // ROOT is the procfs root
	fixture string   // the table of the forged state and of the runs
	// forge turns a real state of the binary into one that would give a
	// false verdict or false rates.
	forge func(t *testing.T, real []byte) []byte
	// runs are root's runs after the plant; each may first change the table.
	runs []plantRun
}

type plantRun struct {
	table     string // fixture whose net/ip_vs replaces ROOT's; "" keeps it
	wantCode  int
	wantOut   string // contained in stdout (checks)
	moreRates bool   // metric plugins: the state was aged, rates come out
}

var plantedBinaries = []planted{
	{binary: "check-ipvs", check: true, args: []string{"--procfs-root", "ROOT"}, fixture: "ipvs-pool-of-three",
		// A state of the pool of three: trusted, the first run (one
		// removed) would warn about a server the plant made up.
		forge: func(_ *testing.T, real []byte) []byte { return real },
		runs: []plantRun{
			{table: "ipvs-pool-one-removed", wantCode: 0, wantOut: "IPVS OK: 1 service, 2 real servers, all available"},
			{table: "ipvs-pool-of-three", wantCode: 0, wantOut: "IPVS OK: 1 service, 3 real servers"},
			{table: "ipvs-pool-one-removed", wantCode: 1, wantOut: "TCP 10.0.0.4:80 -> 127.0.0.1:8092 removed"},
		}},
	{binary: "check-arp-table", check: true, args: []string{"--procfs-root", "ROOT"}, fixture: "arp-table-overflowing",
		// table_fulls 0 before: trusted, 17 overflows since, CRITICAL.
		forge: func(t *testing.T, real []byte) []byte {
			return setJSON(t, real, func(m map[string]any) { m["table_fulls"] = 0 })
		},
		runs: []plantRun{
			{wantCode: 0, wantOut: "none to compare with (first check)"},
			{wantCode: 0, wantOut: "0 table overflows since last check"},
		}},
	{binary: "mackerel-plugin-proc-net-ip_vs", args: []string{"-procfs-root", "ROOT"}, fixture: "lvs-director", forge: forgeCounters,
		runs: []plantRun{{}, {moreRates: true}}},
	{binary: "mackerel-plugin-proc-net-ip_vs_stats_percpu", args: []string{"-max-metrics", "0", "-procfs-root", "ROOT"}, fixture: "lvs-director", forge: forgeCounters,
		runs: []plantRun{{}, {moreRates: true}}},
	{binary: "mackerel-plugin-proc-net-arp", args: []string{"-procfs-root", "ROOT"}, fixture: "lvs-director", forge: forgeCounters,
		runs: []plantRun{{}, {moreRates: true}}},
}

// forgeCounters dates a metric plugin's state a minute back with every
// counter at 0: trusted, every rate would be the counter itself.
func forgeCounters(t *testing.T, real []byte) []byte {
	return setJSON(t, real, func(m map[string]any) {
		for k, v := range m {
			if _, ok := v.(float64); ok && !strings.HasPrefix(k, "_") {
				m[k] = 0
			}
		}
		m["_lastTime"] = m["_lastTime"].(float64) - 60
	})
}

func setJSON(t *testing.T, b []byte, edit func(map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("state %q: %v", b, err)
	}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

// runBound is how long one run may take before the test calls it hung:
// far above what a run takes (well under a second), below the agent's
// 30 s plugin timeout.
const runBound = 20 * time.Second

// TestPlantedStates plants each kind of thing as nobody before root's
// first run of each binary. Root's runs return within runBound (a FIFO
// never blocks them), never crash, never trust the plant (no false
// verdict, no rate from it, the linked file untouched and unread), read
// the state through statefile.Open exactly once in the first run, take
// the path back, and remember from then on: check-ipvs still reports a
// real server removed. Where the path cannot be taken back, the checks
// are UNKNOWN naming the file and the metric plugins skip rates with one
// line.
func TestPlantedStates(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: the plants are made as another user (nobody) before root's run")
	}
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("needs setpriv (util-linux) to plant as nobody")
	}
	bins := plugins(t)
	for _, b := range plantedBinaries {
		for _, p := range plants {
			t.Run(b.binary+"/"+p.name, func(t *testing.T) { runPlanted(t, bins[b.binary], b, p) })
		}
	}
}

func runPlanted(t *testing.T, bin string, b planted, p plant) {
	shared := stickyDir(t)
	root := filepath.Join(shared, "proc")
	testbin.CopyTree(t, testbin.Fixture(b.fixture), root)
	args := func(extra ...string) []string { return append(substitute(b.args, root, ""), extra...) }

	// The state the binary would write, made by root elsewhere: its name
	// (the default path is computable from the arguments) and, forged,
	// the plant's content.
	scratch := t.TempDir()
	env := []string{"MACKEREL_PLUGIN_WORKDIR=" + scratch}
	if res := testbin.Run(t, bin, env, args()...); res.ExitCode > 2 {
		t.Fatalf("making a real state: exit %d %q %q", res.ExitCode, res.Stdout, res.Stderr)
	}
	// The ip_vs plugin keeps its list of services beside its state
	// (STATE.services), read through the same safe open: the plant goes
	// at the state itself.
	var realStates []string
	made, _ := filepath.Glob(filepath.Join(scratch, "*", "*"))
	for _, f := range made {
		if !strings.HasSuffix(f, ".services") {
			realStates = append(realStates, f)
		}
	}
	if len(realStates) != 1 {
		t.Fatalf("states made: %v", realStates)
	}
	real, err := os.ReadFile(realStates[0])
	if err != nil {
		t.Fatal(err)
	}
	forged := filepath.Join(shared, "forged")
	writeFile(t, forged, b.forge(t, real), 0o644)
	victim := filepath.Join(shared, "victim")
	writeFile(t, victim, []byte("secret-victim-content\n"), 0o600)
	old := time.Unix(1_000_000_000, 0)
	os.Chtimes(victim, old, old)

	// Where root's state goes, and what is planted there.
	ownDir := filepath.Join(shared, filepath.Base(filepath.Dir(realStates[0])))
	name := filepath.Base(realStates[0])
	state := filepath.Join(ownDir, name)
	planted := ownDir
	var stateArgs []string
	if !p.inDir {
		dir := shared
		if p.open {
			dir = filepath.Join(shared, "open")
			os.Mkdir(dir, 0o777)
			if err := syscall.Chmod(dir, 0o777); err != nil {
				t.Fatal(err)
			}
		}
		state, planted = filepath.Join(dir, "state.json"), filepath.Join(dir, "state.json")
		flag := "-tempfile"
		if b.check {
			flag = "--state-file"
		}
		stateArgs = []string{flag, state}
	}
	asNobody(t, p.script, "P="+planted, "N="+name, "F="+forged, "V="+victim)
	if p.feed {
		feed(t, planted)
	}

	env = []string{"MACKEREL_PLUGIN_WORKDIR=" + shared, statefile.TraceEnv + "=1"}
	var firstKeys int
	for i, r := range b.runs {
		if r.table != "" {
			copyFile(t, filepath.Join(testbin.Fixture(r.table), "net", "ip_vs"), filepath.Join(root, "net", "ip_vs"), 0o644)
		}
		if r.moreRates && !p.open {
			testbin.AgeState(t, state)
		}
		res, took := runBounded(t, bin, env, append(args(), stateArgs...)...)
		t.Logf("run %d: %v, exit %d, stdout %.120q", i+1, took.Round(time.Millisecond), res.ExitCode, res.Stdout)
		checkNoCrash(t, res)
		out := res.Stdout + res.Stderr
		if strings.Contains(out, "secret-victim") {
			t.Errorf("run %d echoed the linked file: %q", i+1, out)
		}
		opens, other := traceLines(res.Stderr)
		switch {
		case i == 0 && (len(opens) != 1 || !strings.Contains(opens[0], ": refused: ")):
			t.Errorf("run 1: state opens %q, want one, refused", opens)
		case i > 0 && !p.open && (len(opens) == 0 || strings.Contains(strings.Join(opens, "\n"), "refused")):
			t.Errorf("run %d: state opens %q, want the state read and trusted", i+1, opens)
		}
		if p.open {
			checkUntakeable(t, b, res, other, state)
			continue
		}
		if b.check {
			if res.ExitCode != r.wantCode || !strings.Contains(res.Stdout, r.wantOut) {
				t.Errorf("run %d: exit %d %q, want exit %d with %q", i+1, res.ExitCode, res.Stdout, r.wantCode, r.wantOut)
			}
			continue
		}
		keys := len(testbin.ValueMap(t, res.Stdout))
		if i == 0 {
			firstKeys = keys
			if want := len(testbin.ValueMap(t, testbin.Run(t, bin, []string{"MACKEREL_PLUGIN_WORKDIR=" + t.TempDir()}, args()...).Stdout)); keys != want {
				t.Errorf("run 1 printed %d values, a first run %d: rates from the plant", keys, want)
			}
			if len(other) != 1 || !strings.Contains(other[0], "not trusted") {
				t.Errorf("run 1: stderr %q, want one line saying the state is not trusted", other)
			}
		} else if keys <= firstKeys {
			t.Errorf("run %d printed %d values, no more than the first run's %d: no rates from root's own state", i+1, keys, firstKeys)
		}
	}
	if p.open {
		return
	}
	// The path is root's now: a regular file of root's, in a directory of
	// root's.
	for _, c := range []struct {
		path string
		dir  bool
	}{{state, false}, {filepath.Dir(state), true}} {
		var st syscall.Stat_t
		if err := syscall.Lstat(c.path, &st); err != nil || st.Uid != 0 || (st.Mode&syscall.S_IFMT == syscall.S_IFDIR) != c.dir {
			t.Errorf("%s not taken back: uid %d mode %o, %v", c.path, st.Uid, st.Mode, err)
		}
	}
	if b, err := os.ReadFile(victim); err != nil || string(b) != "secret-victim-content\n" {
		t.Errorf("the linked file changed: %q, %v", b, err)
	}
	if fi, err := os.Stat(victim); err != nil || !fi.ModTime().Equal(old) {
		t.Errorf("the linked file's time changed: %v, %v", fi.ModTime(), err)
	}
}

// checkUntakeable: a state that cannot be taken back is UNKNOWN naming
// the file (checks), or one stderr line naming it (metric plugins).
func checkUntakeable(t *testing.T, b planted, res testbin.Result, other []string, state string) {
	t.Helper()
	if b.check {
		if res.ExitCode != 3 || !strings.Contains(res.Stdout, state) || !strings.Contains(res.Stdout, "writable by other users") {
			t.Errorf("exit %d %q: want UNKNOWN naming %s and the reason", res.ExitCode, res.Stdout, state)
		}
		return
	}
	if len(other) != 1 || !strings.Contains(other[0], state) || !strings.Contains(other[0], "writable by other users") {
		t.Errorf("stderr %q: want one line naming the directory and the reason", other)
	}
}

// traceLines splits stderr into statefile.Open's trace and the rest.
func traceLines(stderr string) (opens, other []string) {
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		switch {
		case l == "":
		case strings.HasPrefix(l, "statefile: open "):
			opens = append(opens, l)
		default:
			other = append(other, l)
		}
	}
	return opens, other
}

// runBounded runs bin as root and fails the test if it has not returned
// within runBound.
func runBounded(t *testing.T, bin string, env []string, args ...string) (testbin.Result, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runBound)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append([]string{"PATH=/usr/bin:/bin", "LANG=C", "TMPDIR=" + t.TempDir()}, env...)
	start := time.Now()
	res := testbin.RunCmd(t, cmd)
	took := time.Since(start)
	if ctx.Err() != nil {
		t.Fatalf("%s did not return within %v: %q %q", filepath.Base(bin), runBound, res.Stdout, res.Stderr)
	}
	return res, took
}

// stickyDir is a shared temporary directory like /tmp: root's, mode 1777.
func stickyDir(t *testing.T) string {
	t.Helper()
	d, err := os.MkdirTemp("", "procnet-plant-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	if err := syscall.Chmod(d, 0o1777); err != nil {
		t.Fatal(err)
	}
	return d
}

// asNobody runs a shell script as nobody (setpriv), with env.
func asNobody(t *testing.T, script string, env ...string) {
	t.Helper()
	cmd := exec.Command("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "sh", "-ec", script)
	cmd.Env = append([]string{"PATH=/usr/bin:/bin"}, env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("planting as nobody: %v: %s", err, out)
	}
}

// feed keeps writing zeros into the FIFO at path as nobody, until the
// test ends.
func feed(t *testing.T, path string) {
	t.Helper()
	cmd := exec.Command("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "sh", "-c", `exec cat /dev/zero > "$1"`, "feed", path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		var exit *exec.ExitError
		if err := cmd.Wait(); err != nil && !errors.As(err, &exit) {
			t.Errorf("feeder: %v", err)
		}
	})
}

func writeFile(t *testing.T, path string, b []byte, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, b, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// TestForgetByAnotherUser: nobody runs `check-ipvs --forget all` between
// root's runs, on root's --state-file in a sticky shared directory and
// with root's work directory: it changes neither of root's states, so
// root still reports the removal.
func TestForgetByAnotherUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: nobody's run comes between root's runs")
	}
	bins := plugins(t)
	shared := stickyDir(t)
	bin := filepath.Join(shared, "check-ipvs")
	copyFile(t, bins["check-ipvs"], bin, 0o755)
	root := filepath.Join(shared, "proc")
	testbin.CopyTree(t, testbin.Fixture("ipvs-pool-of-three"), root)
	for _, stateArgs := range [][]string{{"--state-file", filepath.Join(shared, "state.json")}, nil} {
		args := append([]string{"--procfs-root", root}, stateArgs...)
		env := []string{"MACKEREL_PLUGIN_WORKDIR=" + shared}
		copyFile(t, filepath.Join(testbin.Fixture("ipvs-pool-of-three"), "net", "ip_vs"), filepath.Join(root, "net", "ip_vs"), 0o644)
		if res, _ := runBounded(t, bin, env, args...); res.ExitCode != 0 {
			t.Fatalf("%v: root's first run: exit %d %q %q", stateArgs, res.ExitCode, res.Stdout, res.Stderr)
		}
		copyFile(t, filepath.Join(testbin.Fixture("ipvs-pool-one-removed"), "net", "ip_vs"), filepath.Join(root, "net", "ip_vs"), 0o644)
		cmd := exec.Command("setpriv", append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", bin, "--forget", "all"}, args...)...)
		cmd.Env = append([]string{"PATH=/usr/bin:/bin", "LANG=C"}, env...)
		res := testbin.RunCmd(t, cmd)
		t.Logf("%v: nobody's --forget all: exit %d %q %q", stateArgs, res.ExitCode, res.Stdout, res.Stderr)
		if stateArgs != nil && (res.ExitCode != 3 || !strings.Contains(res.Stdout, "is owned by uid 0, not this user (uid 65534)")) {
			t.Errorf("nobody's run on root's state: exit %d %q, want UNKNOWN naming the owner", res.ExitCode, res.Stdout)
		}
		res, _ = runBounded(t, bin, env, args...)
		if res.ExitCode != 1 || !strings.Contains(res.Stdout, "TCP 10.0.0.4:80 -> 127.0.0.1:8092 removed") {
			t.Errorf("%v: root's run after nobody's --forget all: exit %d %q %q; want the removal reported", stateArgs, res.ExitCode, res.Stdout, res.Stderr)
		}
	}
}
