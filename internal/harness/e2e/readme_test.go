//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// The README cannot drift from what the binaries and the agent do: every
// configuration it shows passes the real mackerel-agent's configtest and
// runs, every command it marks runnable runs on a fixture tree, and every
// link to a section names a heading. CONTRIBUTING.md, "Tests of the
// README", says how to mark a block.

// pluginDir is where the README's commands find the binaries, as mkr and
// the packages install them; the tests put the built binaries there.
const pluginDir = "/opt/mackerel-agent/plugins/bin/"

// configFixture is the tree the commands of the README's configurations
// run on: a director with every IPVS file and the neighbour tables.
const configFixture = "lvs-director"

// mdBlock is a fenced code block of a Markdown file: its language, its
// text, the line it starts on and the HTML comment just above it, if any.
type mdBlock struct {
	lang, text, marker string
	line               int
}

func readDoc(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testbin.RepoRoot(), name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// codeBlocks returns the fenced blocks of doc. The marker is the
// `<!-- ... -->` comment on the last non-blank line before the fence.
func codeBlocks(doc string) []mdBlock {
	var out []mdBlock
	lines := strings.Split(doc, "\n")
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "```") {
			continue
		}
		b := mdBlock{lang: strings.TrimPrefix(lines[i], "```"), line: i + 1}
		for j := i - 1; j >= 0; j-- {
			if s := strings.TrimSpace(lines[j]); s != "" {
				if strings.HasPrefix(s, "<!--") && strings.HasSuffix(s, "-->") {
					b.marker = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, "<!--"), "-->"))
				}
				break
			}
		}
		var text []string
		for i++; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
			text = append(text, lines[i])
		}
		b.text = strings.Join(text, "\n") + "\n"
		out = append(out, b)
	}
	return out
}

// ourBinary returns the binary a command line (or argv[0]) starts with,
// "" when it is none of the five: a bare name or one under pluginDir,
// after an optional sudo.
func ourBinary(bins map[string]string, line string) string {
	fields := strings.Fields(line)
	if len(fields) > 0 && fields[0] == "sudo" {
		fields = fields[1:]
	}
	if len(fields) == 0 {
		return ""
	}
	name := strings.TrimPrefix(fields[0], pluginDir)
	if _, ok := bins[name]; ok {
		return name
	}
	return ""
}

// commandOK is the honest meaning of "the command works": a check gives a
// verdict (OK, WARNING or CRITICAL: not UNKNOWN, which is also a wrong
// flag), a metric plugin exits 0 (2 is a wrong flag, 1 a source it could
// not read).
func commandOK(name string, exit int) bool {
	if strings.HasPrefix(name, "check-") {
		return exit >= 0 && exit <= 2
	}
	return exit == 0
}

var (
	sectionRE = regexp.MustCompile(`(?m)^\[([^\]]+)\]\s*$`)
	commandRE = regexp.MustCompile(`(?s)command\s*=\s*\[(.*?)\]`)
	stringRE  = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
)

// tomlCommands returns each section's command array. It reads only the
// form the README uses (`command = ["...", ...]`, strings in double
// quotes); configtest has checked the TOML itself.
func tomlCommands(t *testing.T, block string) [][]string {
	t.Helper()
	var out [][]string
	for _, m := range commandRE.FindAllStringSubmatch(block, -1) {
		var argv []string
		for _, q := range stringRE.FindAllString(m[1], -1) {
			s, err := strconv.Unquote(q)
			if err != nil {
				t.Fatalf("command string %s: %v", q, err)
			}
			argv = append(argv, s)
		}
		out = append(out, argv)
	}
	return out
}

// TestREADMEConfigs: every ```toml block of the README is a part of
// mackerel-agent.conf that the real agent loads (`configtest`, with the
// apikey it requires added), whose sections are plugin.metrics.* or
// plugin.checks.* (a misspelt section is ignored silently by the agent),
// each running one of our binaries, and each command works on the
// fixture tree. Commands that read another network namespace (-netns) or
// ask the live kernel for the sync daemons (--sync-daemon) need root and
// a kernel with IPVS: they run with --help appended instead, which still
// refuses a flag the binary does not know.
// exampleFiles puts, for a file the README's configs name (such as a
// service-names file under /etc/mackerel-agent), the fixture that shows
// it.
func exampleFiles(args []string) []string {
	fixtures := map[string]string{
		"/etc/mackerel-agent/ipvs.names": testbin.Fixture("service-names/lvs-director.names"),
	}
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if f, ok := fixtures[a]; ok {
			out[i] = f
		}
	}
	return out
}

func TestREADMEConfigs(t *testing.T) {
	bins := plugins(t)
	agent := mackerelAgent(t)
	n := 0
	for _, b := range codeBlocks(readDoc(t, "README.md")) {
		if b.lang != "toml" {
			continue
		}
		n++
		t.Run(fmt.Sprintf("line%d", b.line), func(t *testing.T) {
			dir := t.TempDir()
			conf := filepath.Join(dir, "mackerel-agent.conf")
			if err := os.WriteFile(conf, []byte("apikey = \"readme-test\"\n\n"+b.text), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(agent, "configtest", "-conf", conf).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "SUCCESS") {
				t.Fatalf("README.md:%d: mackerel-agent configtest: %v\n%s", b.line, err, out)
			}
			sections := sectionRE.FindAllStringSubmatch(b.text, -1)
			for _, s := range sections {
				if !strings.HasPrefix(s[1], "plugin.metrics.") && !strings.HasPrefix(s[1], "plugin.checks.") {
					t.Errorf("README.md:%d: section [%s] is not a plugin.metrics or plugin.checks section", b.line, s[1])
				}
			}
			cmds := tomlCommands(t, b.text)
			if len(cmds) != len(sections) {
				t.Fatalf("README.md:%d: %d sections, %d commands of the form command = [\"...\"]", b.line, len(sections), len(cmds))
			}
			for _, argv := range cmds {
				name := ourBinary(bins, argv[0])
				if name == "" || !strings.HasPrefix(argv[0], pluginDir) {
					t.Errorf("README.md:%d: command %q does not run one of our binaries from %s", b.line, argv[0], pluginDir)
					continue
				}
				args := exampleFiles(argv[1:])
				live := false
				for _, a := range args {
					if strings.TrimLeft(a, "-") == "netns" || strings.TrimLeft(a, "-") == "sync-daemon" {
						live = true
					}
				}
				if live {
					args = append(append([]string{}, args...), "--help")
				}
				res := testbin.Run(t, bins[name], []string{"HOST_PROC=" + testbin.Fixture(configFixture)}, args...)
				ok := commandOK(name, res.ExitCode)
				if live {
					ok = res.ExitCode == 0
				}
				if !ok {
					t.Errorf("README.md:%d: %s %q exited %d on testdata/%s (help only: %v)\nstdout: %s\nstderr: %s",
						b.line, name, args, res.ExitCode, configFixture, live, res.Stdout, res.Stderr)
				}
			}
		})
	}
	if n == 0 {
		t.Fatal("README.md shows no ```toml block")
	}
}

// runMarker is a parsed `<!-- run: FIXTURE [after OTHER] [output "TEXT"] -->`.
type runMarker struct {
	skip                  string
	fixture, after, wants string
}

var runMarkerRE = regexp.MustCompile(`^run:\s*(?:skip:\s*(\S.*)|([-\w]+)(?:\s+after\s+([-\w]+))?(?:\s+output\s+("(?:[^"\\]|\\.)*"))?)$`)

func parseRunMarker(marker string) (runMarker, bool) {
	m := runMarkerRE.FindStringSubmatch(marker)
	if m == nil {
		return runMarker{}, false
	}
	r := runMarker{skip: m[1], fixture: m[2], after: m[3]}
	if m[4] != "" {
		s, err := strconv.Unquote(m[4])
		if err != nil {
			return runMarker{}, false
		}
		r.wants = s
	}
	return r, true
}

// TestREADMEShellExamples: every ```sh block of README.md and
// CONTRIBUTING.md with a line that starts with one of our binaries is
// marked, and every block marked runnable runs. The rule (CONTRIBUTING.md,
// "Tests of the README"):
//
//   - `<!-- run: FIXTURE -->` runs each line of the block, in order, with
//     sh, the built binaries in place of /opt/mackerel-agent/plugins/bin
//     and first on PATH, HOST_PROC a copy of testdata/FIXTURE and one
//     fresh MACKEREL_PLUGIN_WORKDIR for the block. Every line must start
//     with one of our binaries, and work (commandOK).
//   - `after OTHER` first runs each binary of the block once, without
//     arguments, on testdata/OTHER at the same path, so that a block can
//     show what follows a change of the table (check-ipvs --forget).
//   - `output "TEXT"`: TEXT must be in what the block printed (stdout and
//     stderr), so that a command that runs but does nothing is caught.
//   - `<!-- run: skip: REASON -->` skips the block: it installs packages,
//     needs root, a running agent or the network. The reason is logged.
//
// Blocks that run none of our binaries (make, mkr, dpkg, the cron
// script, which cron_test.go runs) need no marker.
func TestREADMEShellExamples(t *testing.T) {
	bins := plugins(t)
	binDir := t.TempDir()
	for name, path := range bins {
		if err := os.Symlink(path, filepath.Join(binDir, name)); err != nil {
			t.Fatal(err)
		}
	}
	runnable := 0
	for _, doc := range []string{"README.md", "CONTRIBUTING.md"} {
		for _, b := range codeBlocks(readDoc(t, doc)) {
			if b.lang != "sh" {
				continue
			}
			where := fmt.Sprintf("%s:%d", doc, b.line)
			var lines []string
			ours := false
			for _, l := range strings.Split(b.text, "\n") {
				if s := strings.TrimSpace(l); s != "" && !strings.HasPrefix(s, "#") {
					lines = append(lines, s)
					ours = ours || ourBinary(bins, s) != ""
				}
			}
			if b.marker == "" {
				if ours {
					t.Errorf("%s: a sh block runs one of our binaries but is not marked: add <!-- run: FIXTURE --> or <!-- run: skip: REASON --> above it", where)
				}
				continue
			}
			m, ok := parseRunMarker(b.marker)
			if !ok {
				if strings.HasPrefix(b.marker, "run:") {
					t.Errorf("%s: marker %q: want run: FIXTURE [after OTHER] [output \"TEXT\"] or run: skip: REASON", where, b.marker)
				}
				continue
			}
			if m.skip != "" {
				t.Logf("%s: skipped: %s", where, m.skip)
				continue
			}
			runnable++
			t.Run(strings.ReplaceAll(where, "/", "_"), func(t *testing.T) {
				runShellBlock(t, bins, binDir, where, m, lines)
			})
		}
	}
	if runnable == 0 {
		t.Fatal("README.md marks no sh block runnable")
	}
}

func runShellBlock(t *testing.T, bins map[string]string, binDir, where string, m runMarker, lines []string) {
	work := t.TempDir()
	tree := filepath.Join(t.TempDir(), "proc")
	env := []string{"PATH=" + binDir + ":/usr/bin:/bin", "LANG=C", "HOST_PROC=" + tree,
		"MACKEREL_PLUGIN_WORKDIR=" + work, "TMPDIR=" + work}
	for _, f := range []string{m.after, m.fixture} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(testbin.Fixture(f)); err != nil {
			t.Fatalf("%s: fixture %s: %v", where, f, err)
		}
	}
	if m.after != "" {
		testbin.CopyTree(t, testbin.Fixture(m.after), tree)
		seen := map[string]bool{}
		for _, l := range lines {
			if name := ourBinary(bins, l); name != "" && !seen[name] {
				seen[name] = true
				cmd := exec.Command(bins[name])
				cmd.Env = env
				res := testbin.RunCmd(t, cmd)
				if !commandOK(name, res.ExitCode) {
					t.Fatalf("%s: %s on testdata/%s (before the block) exited %d: %s%s", where, name, m.after, res.ExitCode, res.Stdout, res.Stderr)
				}
			}
		}
		if err := os.RemoveAll(tree); err != nil {
			t.Fatal(err)
		}
	}
	testbin.CopyTree(t, testbin.Fixture(m.fixture), tree)
	var printed strings.Builder
	for _, l := range lines {
		name := ourBinary(bins, l)
		if name == "" {
			t.Errorf("%s: %q: a block marked runnable runs only our binaries", where, l)
			continue
		}
		cmd := exec.Command("/bin/sh", "-c", strings.ReplaceAll(l, pluginDir, binDir+"/"))
		cmd.Env = env
		res := testbin.RunCmd(t, cmd)
		printed.WriteString(res.Stdout + res.Stderr)
		if !commandOK(name, res.ExitCode) {
			t.Errorf("%s: %q on testdata/%s exited %d\nstdout: %s\nstderr: %s", where, l, m.fixture, res.ExitCode, res.Stdout, res.Stderr)
		}
	}
	if m.wants != "" && !strings.Contains(printed.String(), m.wants) {
		t.Errorf("%s: the block did not print %q; it printed:\n%s", where, m.wants, printed.String())
	}
}

// githubSlug is the anchor GitHub gives a heading: lower case, every
// character but letters, digits, spaces, '-' and '_' dropped, spaces as
// '-'; a repeated anchor gets -1, -2, ...
func githubSlug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('-')
		}
	}
	return b.String()
}

// anchors returns the anchors of doc's headings (outside code blocks).
func anchors(doc string) map[string]bool {
	out := map[string]bool{}
	count := map[string]int{}
	fence := false
	for _, l := range strings.Split(doc, "\n") {
		if strings.HasPrefix(l, "```") {
			fence = !fence
			continue
		}
		if fence || !strings.HasPrefix(l, "#") {
			continue
		}
		h := strings.TrimLeft(l, "#")
		if !strings.HasPrefix(h, " ") {
			continue
		}
		s := githubSlug(h)
		if n := count[s]; n > 0 {
			out[fmt.Sprintf("%s-%d", s, n)] = true
		} else {
			out[s] = true
		}
		count[s]++
	}
	return out
}

var (
	linkRE = regexp.MustCompile(`\]\(([A-Za-z0-9_.-]*\.md)?#([^)\s]+)\)`)
	// codeSpanRE is an inline code span, whose text is not a link.
	codeSpanRE = regexp.MustCompile("`+[^`]*`+")
)

// TestREADMEAnchors: every link to a section, `](#anchor)` or
// `](OTHER.md#anchor)`, in README.md and CONTRIBUTING.md names a heading
// of that file.
func TestREADMEAnchors(t *testing.T) {
	docs := []string{"README.md", "CONTRIBUTING.md"}
	heads := map[string]map[string]bool{}
	head := func(name string) map[string]bool {
		if heads[name] == nil {
			heads[name] = anchors(readDoc(t, name))
		}
		return heads[name]
	}
	links := 0
	for _, doc := range docs {
		text := readDoc(t, doc)
		// Links inside code blocks are not links.
		fence := false
		for i, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(l, "```") {
				fence = !fence
				continue
			}
			if fence {
				continue
			}
			for _, m := range linkRE.FindAllStringSubmatch(codeSpanRE.ReplaceAllString(l, ""), -1) {
				links++
				target := doc
				if m[1] != "" {
					target = m[1]
				}
				if !head(target)[m[2]] {
					t.Errorf("%s:%d: link to %s#%s names no heading of %s", doc, i+1, target, m[2], target)
				}
			}
		}
	}
	if links == 0 {
		t.Fatal("no links to sections found: the pattern is broken")
	}
}
