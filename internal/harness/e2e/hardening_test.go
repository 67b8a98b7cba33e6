package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// source is a /proc file the binaries read, with what a test needs to
// damage it: how many header lines it has and where a number stands.
type source struct {
	rel          string
	headerLines  int
	numLine      int // 0-based line of a number to replace
	numField     int
	numIsDecimal bool
}

var sources = []source{
	{"net/ip_vs", 3, 4, 4, true},
	{"net/ip_vs_stats", 2, 2, 0, false},
	{"net/ip_vs_stats_percpu", 2, 2, 1, false},
	{"net/arp", 1, 1, 2, false},
	{"net/stat/arp_cache", 1, 1, 1, false},
}

// readers lists, per binary, the sources it reads and its arguments for a
// tree at ROOT. check-arp-table is run above its warning level so that it
// reads net/arp too.
var readers = []struct {
	binary string
	check  bool
	reads  []string
	args   []string
}{
	{"check-ipvs", true, []string{"net/ip_vs"}, []string{"--procfs-root", "ROOT"}},
	{"check-arp-table", true, []string{"net/stat/arp_cache", "net/arp"}, []string{"--procfs-root", "ROOT", "-w", "1", "-c", "100000", "--state-file", "STATE"}},
	{"mackerel-plugin-proc-net-ip_vs", false, []string{"net/ip_vs", "net/ip_vs_stats"}, []string{"-procfs-root", "ROOT", "-tempfile", "STATE"}},
	// -max-metrics 0: lvs-director's 24 CPU rows would be summarised, with
	// a notice on stderr, which a valid input must not print here.
	{"mackerel-plugin-proc-net-ip_vs_stats_percpu", false, []string{"net/ip_vs_stats_percpu"}, []string{"-max-metrics", "0", "-procfs-root", "ROOT", "-tempfile", "STATE"}},
	{"mackerel-plugin-proc-net-arp", false, []string{"net/arp", "net/stat/arp_cache"}, []string{"-procfs-root", "ROOT", "-tempfile", "STATE"}},
}

// damage is one kind of bad input. valid means the parsers must accept it.
type damage struct {
	name     string
	valid    bool
	validFor []string // sources for which the damaged form is still valid
	only     string   // a source it applies to, "" for every source
	apply    func(s source, good []byte) []byte
	remove   bool
}

func lines(b []byte) []string { return strings.SplitAfter(string(b), "\n") }

func replaceField(s source, good []byte, value string) []byte {
	ls := lines(good)
	f := strings.Fields(ls[s.numLine])
	f[s.numField] = value
	ls[s.numLine] = "  " + strings.Join(f, " ") + "\n"
	return []byte(strings.Join(ls, ""))
}

var damages = []damage{
	{name: "missing", remove: true},
	{name: "empty", apply: func(source, []byte) []byte { return nil }},
	// An IPVS table without services and an ARP table without rows are
	// real states; statistics without rows are not.
	{name: "header only", validFor: []string{"net/ip_vs", "net/arp"}, apply: func(s source, good []byte) []byte {
		return []byte(strings.Join(lines(good)[:s.headerLines], ""))
	}},
	{name: "cut in a line", apply: func(s source, good []byte) []byte {
		ls := lines(good)
		cut := strings.Join(ls[:s.numLine], "") + ls[s.numLine][:len(ls[s.numLine])/3]
		return []byte(cut)
	}},
	{name: "garbage and NUL", apply: func(s source, good []byte) []byte {
		ls := lines(good)
		ls[s.numLine] = "\x00\xff\xfe garbage \x00 " + ls[s.numLine]
		return []byte(strings.Join(ls, ""))
	}},
	{name: "1 MB line", apply: func(s source, good []byte) []byte {
		return append(append([]byte{}, good...), append(bytes.Repeat([]byte("A"), 1<<20), '\n')...)
	}},
	{name: "CRLF line ends", valid: true, apply: func(s source, good []byte) []byte {
		return bytes.ReplaceAll(good, []byte("\n"), []byte("\r\n"))
	}},
	{name: "number wider than 64 bits", apply: func(s source, good []byte) []byte {
		if s.numIsDecimal {
			return replaceField(s, good, "184467440737095516160")
		}
		if s.rel == "net/arp" {
			return replaceField(s, good, "0x1FFFFFFFFFFFFFFFF")
		}
		return replaceField(s, good, "1FFFFFFFFFFFFFFFF")
	}},
	{name: "negative number", apply: func(s source, good []byte) []byte {
		switch s.rel {
		case "net/arp":
			return replaceField(s, good, "-0x2")
		case "net/ip_vs":
			// A connection count of -1 is what the kernel prints after a
			// race in its accounting, and is read; a weight it never
			// prints negative.
			s.numField = 3
		}
		return replaceField(s, good, "-1")
	}},
	{name: "duplicated service", valid: true, only: "net/ip_vs", apply: func(s source, good []byte) []byte {
		ls := lines(good)
		return []byte(strings.Join(append(ls[:6], ls[3:]...), ""))
	}},
	{name: "unknown protocol", only: "net/ip_vs", apply: func(s source, good []byte) []byte {
		return bytes.Replace(good, []byte("TCP  0A000001:0050"), []byte("XTP  0A000001:0050"), 1)
	}},
	{name: "unknown forward method", valid: true, only: "net/ip_vs", apply: func(s source, good []byte) []byte {
		return bytes.Replace(good, []byte("Route "), []byte("Warp  "), 1)
	}},
	{name: "huge CPU id", only: "net/ip_vs_stats_percpu", apply: func(s source, good []byte) []byte {
		s.numField = 0
		return replaceField(s, good, "FFFFFFFFFFF")
	}},
}

var crash = regexp.MustCompile(`panic:|goroutine \d+|runtime error`)

// TestBadInputMatrix damages every source in every way and runs every
// binary that reads it: no crash; a check answers UNKNOWN naming the file
// (or, for net/arp, which only refines check-arp-table's count, names it
// in its message); a metric plugin prints only well-formed values and one
// stderr line naming the file.
func TestBadInputMatrix(t *testing.T) {
	bins := plugins(t)
	for _, s := range sources {
		good, err := os.ReadFile(filepath.Join(testbin.Fixture("lvs-director"), s.rel))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range damages {
			if d.only != "" && d.only != s.rel {
				continue
			}
			root := copyFixture(t, "lvs-director")
			path := filepath.Join(root, s.rel)
			if d.remove {
				os.Remove(path)
			} else if err := os.WriteFile(path, d.apply(s, good), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, r := range readers {
				if !contains(r.reads, s.rel) {
					continue
				}
				valid := d.valid || contains(d.validFor, s.rel)
				t.Run(s.rel+"/"+d.name+"/"+r.binary, func(t *testing.T) {
					res := testbin.Run(t, bins[r.binary], nil, substitute(r.args, root, filepath.Join(t.TempDir(), "state"))...)
					checkNoCrash(t, res)
					switch {
					case r.binary == "check-arp-table" && s.rel == "net/stat/arp_cache" && d.remove:
						// The container fallback: the rows of net/arp
						// against gc_thresh3, said so in the message.
						if res.ExitCode == 3 || !strings.Contains(res.Stdout, "net/arp rows of this namespace only") {
							t.Errorf("exit %d, stdout %q: want a judgement from the rows of net/arp", res.ExitCode, res.Stdout)
						}
					case r.check:
						checkCheckResult(t, r.binary, s.rel, path, valid, res)
					default:
						checkMetricResult(t, path, valid, res)
					}
				})
			}
		}
	}
}

func checkNoCrash(t *testing.T, res testbin.Result) {
	t.Helper()
	if crash.MatchString(res.Stdout + res.Stderr) {
		t.Fatalf("crashed: stdout %q stderr %q", res.Stdout, res.Stderr)
	}
}

func checkCheckResult(t *testing.T, binary, rel, path string, valid bool, res testbin.Result) {
	t.Helper()
	if strings.Count(res.Stdout, "\n") != 1 {
		t.Errorf("stdout is not one line: %q", res.Stdout)
	}
	unknown := res.ExitCode == 3
	switch {
	case valid && unknown:
		t.Errorf("valid input judged UNKNOWN: %q", res.Stdout)
	case valid:
	case binary == "check-arp-table" && rel == "net/arp":
		// net/arp only refines the count: the check still judges the
		// global count and says why it could not refine it.
		if res.ExitCode == 3 || !strings.Contains(res.Stdout, path) {
			t.Errorf("exit %d, stdout %q: want a judgement that names %s", res.ExitCode, res.Stdout, path)
		}
	default:
		if !unknown || !strings.Contains(res.Stdout, path) {
			t.Errorf("exit %d, stdout %q: want UNKNOWN naming %s", res.ExitCode, res.Stdout, path)
		}
	}
}

func checkMetricResult(t *testing.T, path string, valid bool, res testbin.Result) {
	t.Helper()
	testbin.Values(t, res.Stdout) // every line well-formed
	if valid {
		if res.Stderr != "" && !strings.Contains(res.Stderr, "skipping duplicated") {
			t.Errorf("valid input, stderr %q", res.Stderr)
		}
		return
	}
	if !strings.Contains(res.Stderr, path) {
		t.Errorf("stderr %q does not name %s", res.Stderr, path)
	}
	for _, line := range strings.Split(strings.TrimSpace(res.Stderr), "\n") {
		if len(line) > 1024 {
			t.Errorf("stderr line of %d bytes: the damaged input is echoed", len(line))
		}
	}
}

// TestMissingProcfsRoot runs every binary on a root that does not exist.
func TestMissingProcfsRoot(t *testing.T) {
	bins := plugins(t)
	root := filepath.Join(t.TempDir(), "no-such-proc")
	for _, r := range readers {
		t.Run(r.binary, func(t *testing.T) {
			res := testbin.Run(t, bins[r.binary], nil, substitute(r.args, root, filepath.Join(t.TempDir(), "state"))...)
			checkNoCrash(t, res)
			if r.check && (res.ExitCode != 3 || !strings.Contains(res.Stdout, root)) {
				t.Errorf("exit %d stdout %q: want UNKNOWN naming the root", res.ExitCode, res.Stdout)
			}
			if !r.check && (res.ExitCode != 1 || res.Stdout != "" || !strings.Contains(res.Stderr, root)) {
				t.Errorf("exit %d stdout %q stderr %q: want nothing printed, exit 1, stderr naming the root", res.ExitCode, res.Stdout, res.Stderr)
			}
		})
	}
}

// TestUnreadableFiles runs every binary as an unprivileged user on a tree
// whose files it may not read.
func TestUnreadableFiles(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to run the binaries as another user")
	}
	bins := plugins(t)
	shared, err := os.MkdirTemp("", "procnet-unreadable-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(shared) })
	os.Chmod(shared, 0o755)
	root := filepath.Join(shared, "proc")
	testbin.CopyTree(t, testbin.Fixture("lvs-director"), root)
	for _, s := range sources {
		os.Chmod(filepath.Join(root, s.rel), 0)
	}
	for _, r := range readers {
		t.Run(r.binary, func(t *testing.T) {
			bin := filepath.Join(shared, r.binary)
			copyFile(t, bins[r.binary], bin, 0o755)
			state := filepath.Join(shared, r.binary+".state")
			cmd := exec.Command(bin, substitute(r.args, root, state)...)
			cmd.Env = []string{"PATH=/usr/bin:/bin", "TMPDIR=" + shared}
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
			res := testbin.RunCmd(t, cmd)
			checkNoCrash(t, res)
			out := res.Stdout + res.Stderr
			if !strings.Contains(out, "permission denied") {
				t.Errorf("output does not say permission denied: %q", out)
			}
			if r.check && res.ExitCode != 3 {
				t.Errorf("exit %d, want UNKNOWN: %q", res.ExitCode, res.Stdout)
			}
		})
	}
}

func substitute(args []string, root, state string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = strings.NewReplacer("ROOT", root, "STATE", state).Replace(a)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func copyFixture(t *testing.T, name string) string {
	t.Helper()
	dst := t.TempDir()
	testbin.CopyTree(t, testbin.Fixture(name), dst)
	return dst
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, mode); err != nil {
		t.Fatal(err)
	}
}
