package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

type kind int

const (
	kindCat kind = iota // cat of the files, the floor
	kindRef             // the procfs-based reference program
	kindBin             // a plugin binary
)

// row is one command of a series and its measurements.
type row struct {
	kind  kind
	label string
	argv  []string
	// state is the metric plugin's -tempfile, aged before each run.
	state string
	// removeBefore is a state file deleted before each run, so that every
	// run is a first run (check-ipvs: a changed pool).
	removeBefore string

	wall, user, sys []time.Duration
	maxRSS          int64 // KiB, the largest of all runs
	exit            int
	stdoutLines     int
	firstLine       string // of stdout, or of stderr when stdout is empty
}

func (r *row) min() time.Duration    { return slices.Min(r.wall) }
func (r *row) median() time.Duration { return median(r.wall) }

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// series is a set of commands timed side by side.
type series struct {
	title string
	tag   string // names the series in the targets table
	runs  int
	rows  []*row
	load  string // the load average before the series
	// base is the row the ratios are taken against: the series' cat, or
	// one of another series.
	base *row
}

func newSeries(title, tag string, runs int) *series {
	return &series{title: title, tag: tag, runs: runs}
}

func (s *series) add(k kind, label string, argv []string, state string) *row {
	r := &row{kind: k, label: label, argv: argv, state: state}
	s.rows = append(s.rows, r)
	if k == kindCat && s.base == nil {
		s.base = r
	}
	return r
}

// run waits for a quiet machine, runs every command twice untimed (the
// second run, with a warm state file, gives the output shown), then
// runs them interleaved s.runs times, and prints the table.
func (s *series) run(w io.Writer) {
	s.load = waitForLoad(s.title)
	for _, r := range s.rows {
		r.once(false)
		r.once(true)
	}
	for range s.runs {
		for _, r := range s.rows {
			r.once(false)
		}
	}
	s.print(w)
}

// once runs the command through a launcher (see launch); with capture
// it keeps a summary of its output instead of recording a timing.
func (r *row) once(capture bool) {
	if r.state != "" {
		ageState(r.state, 60*time.Second)
	}
	if r.removeBefore != "" {
		os.Remove(r.removeBefore)
	}
	self, err := os.Executable()
	if err != nil {
		fatal(err)
	}
	cmd := exec.Command(self, append([]string{launchArg}, r.argv...)...)
	var stdout outputSummary
	var stderr bytes.Buffer
	if capture {
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
	} // else os/exec connects both to /dev/null
	pr, pw, err := os.Pipe()
	if err != nil {
		fatal(err)
	}
	cmd.ExtraFiles = []*os.File{pw} // fd 3 of the launcher
	err = cmd.Start()
	pw.Close()
	if err != nil {
		fatal(err)
	}
	report, _ := io.ReadAll(pr)
	pr.Close()
	if err := cmd.Wait(); err != nil && len(report) == 0 {
		fatal(fmt.Errorf("%s: %v: %s", r.label, err, stderr.String()))
	}
	var m measurement
	if err := json.Unmarshal(report, &m); err != nil {
		fatal(fmt.Errorf("%s: launcher report %q: %v", r.label, report, err))
	}
	if capture {
		r.exit = m.Exit
		r.stdoutLines = stdout.lines
		r.firstLine = stdout.first.String()
		if r.firstLine == "" {
			r.firstLine, _, _ = strings.Cut("(stderr) "+stderr.String(), "\n")
		}
		return
	}
	r.wall = append(r.wall, m.Wall)
	r.user = append(r.user, m.User)
	r.sys = append(r.sys, m.Sys)
	r.maxRSS = max(r.maxRSS, m.MaxRSS)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "e2ebench:", err)
	os.Exit(1)
}

// outputSummary counts the lines written to it and keeps the first, so
// that a large output is not held in memory.
type outputSummary struct {
	lines int
	first bytes.Buffer
}

func (o *outputSummary) Write(p []byte) (int, error) {
	if o.lines == 0 {
		line, _, _ := bytes.Cut(p, []byte{'\n'})
		o.first.Write(line)
	}
	o.lines += bytes.Count(p, []byte{'\n'})
	return len(p), nil
}

// ageState rewrites the time of a metric plugin's state file to age ago,
// so that every run computes rates and saves its state, as under the
// agent's one-minute schedule. A missing file is left missing.
func ageState(path string, age time.Duration) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return
	}
	m["_lastTime"] = time.Now().Add(-age).Unix()
	if b, err = json.Marshal(m); err == nil {
		os.WriteFile(path, b, 0o644)
	}
}

// waitForLoad waits, up to -max-wait, while the 1-minute load average is
// above -max-load, and describes the load it started with.
func waitForLoad(title string) string {
	deadline := time.Now().Add(*maxWait)
	first := loadAvg()
	for {
		l := loadAvg()
		if l <= *maxLoad {
			if first > *maxLoad {
				return fmt.Sprintf("%.2f (after waiting for a load of %.2f to fall)", l, first)
			}
			return fmt.Sprintf("%.2f", l)
		}
		if time.Now().After(deadline) {
			return fmt.Sprintf("%.2f (still above %.1f after waiting %v)", l, *maxLoad, *maxWait)
		}
		fmt.Fprintf(os.Stderr, "e2ebench: %s: load %.2f above %.1f, waiting\n", title, l, *maxLoad)
		time.Sleep(20 * time.Second)
	}
}

func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f, _ := strconv.ParseFloat(strings.Fields(string(b))[0], 64)
	return f
}

func (s *series) print(w io.Writer) {
	fmt.Fprintf(w, "### %s\n\n%d timed runs of each command, interleaved; 1-minute load before: %s.\n\n", s.title, s.runs, s.load)
	base := "—"
	if s.base != nil {
		base = "`" + s.base.label + "`"
	}
	fmt.Fprintf(w, "| command | min | median | user (median) | sys (median) | max RSS | median ÷ median of %s |\n", base)
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|")
	for _, r := range s.rows {
		ratio := "—"
		if s.base != nil && r != s.base {
			ratio = fmt.Sprintf("%.3g×", ratioOf(r, s.base))
		}
		fmt.Fprintf(w, "| `%s` | %s | %s | %s | %s | %s | %s |\n", r.label, ms(r.min()), ms(r.median()),
			ms(median(r.user)), ms(median(r.sys)), mb(r.maxRSS), ratio)
	}
	fmt.Fprintln(w, "\n| command | exit | stdout lines | first line of stdout (or stderr) |")
	fmt.Fprintln(w, "|---|--:|--:|---|")
	for _, r := range s.rows {
		line := r.firstLine
		if len(line) > 160 {
			line = line[:160] + "…"
		}
		fmt.Fprintf(w, "| `%s` | %d | %d | `%s` |\n", r.label, r.exit, r.stdoutLines, strings.ReplaceAll(line, "`", "'"))
	}
	fmt.Fprintln(w)
}

// ratioOf is the median time of a over that of b.
func ratioOf(a, b *row) float64 { return float64(a.median()) / float64(b.median()) }

func ms(d time.Duration) string {
	switch {
	case d >= 100*time.Millisecond:
		return fmt.Sprintf("%.0f ms", d.Seconds()*1000)
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", d.Seconds()*1000)
	}
	return fmt.Sprintf("%.2f ms", d.Seconds()*1000)
}

func mb(kib int64) string { return fmt.Sprintf("%.1f MB", float64(kib)*1024/1e6) }

// verdicts collects the targets of issue 7, each met or missed.
type verdicts []string

func (v *verdicts) add(met bool, format string, args ...any) {
	mark := "met"
	if !met {
		mark = "**MISSED**"
	}
	*v = append(*v, fmt.Sprintf("| %s | %s |", fmt.Sprintf(format, args...), mark))
}

// faster: the procfs reference takes at least x times as long as b.
func (v *verdicts) faster(b, ref *row, x float64) {
	r := ratioOf(ref, b)
	v.add(r >= x, "`%s` ≥ %g× faster than `%s`: %.3g×", b.label, x, ref.label, r)
}

// withinCat: b takes at most x times as long as cat.
func (v *verdicts) withinCat(b, cat *row, x float64) {
	r := ratioOf(b, cat)
	v.add(r <= x, "`%s` within %g× of `%s`: %.3g×", b.label, x, cat.label, r)
}

// belowFraction: b takes under f of cat's time.
func (v *verdicts) belowFraction(b, cat *row, f float64) {
	r := ratioOf(b, cat)
	v.add(r < f, "`%s` under %.0f%% of `%s`: %.3g%%", b.label, f*100, cat.label, r*100)
}

// rss: every binary of s peaks under 20 MB.
func (v *verdicts) rss(s *series) {
	for _, r := range s.rows {
		if r.kind == kindBin {
			v.add(r.maxRSS*1024 < 20e6, "`%s` max RSS under 20 MB (%s): %s", r.label, s.tag, mb(r.maxRSS))
		}
	}
}

func (v verdicts) print(w io.Writer) {
	fmt.Fprintln(w, "## Targets\n\n| target: measured | verdict |\n|---|---|")
	for _, l := range v {
		fmt.Fprintln(w, l)
	}
	fmt.Fprintln(w)
}
