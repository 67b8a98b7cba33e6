package testbin

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	mp "github.com/mackerelio/go-mackerel-plugin-helper"
)

// Values checks that stdout is a valid metric plugin output, all lines
// stamped with one time no later than now, and returns the lines with the
// time replaced by "TS", and the time.
func Values(tb testing.TB, stdout string) (string, int64) {
	tb.Helper()
	var b strings.Builder
	var stamp int64
	for i, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		if line == "" && stdout == "" {
			break
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 || !metricName.MatchString(f[0]) {
			tb.Fatalf("line %d %q is not name<TAB>value<TAB>time with a valid name", i+1, line)
		}
		if _, err := strconv.ParseFloat(f[1], 64); err != nil {
			tb.Fatalf("line %d %q: value is not a number", i+1, line)
		}
		ts, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil || ts > time.Now().Unix() || (stamp != 0 && ts != stamp) {
			tb.Fatalf("line %d %q: bad or inconsistent time", i+1, line)
		}
		stamp = ts
		b.WriteString(f[0] + "\t" + f[1] + "\tTS\n")
	}
	return b.String(), stamp
}

var metricName = regexp.MustCompile(`^[-a-zA-Z0-9_.]+$`)

// Meta checks the graph definitions a plugin prints under
// MACKEREL_AGENT_PLUGIN_META=1 against the agent's rules and returns
// them: a header line, then JSON; names of letters, digits, '-', '_';
// wildcards standing alone between dots, '#' at most once per graph;
// every graph with a label, a unit and metrics; and, in a wildcard graph,
// no metric name that is a prefix of another (the helper's start-anchored
// regex would mix them up).
func Meta(tb testing.TB, stdout string) map[string]mp.Graphs {
	tb.Helper()
	head, body, ok := strings.Cut(stdout, "\n")
	if !ok || head != "# mackerel-agent-plugin" {
		tb.Fatalf("meta output does not start with the header line: %q", stdout)
	}
	var def struct {
		Graphs map[string]mp.Graphs `json:"graphs"`
	}
	if err := json.Unmarshal([]byte(body), &def); err != nil {
		tb.Fatalf("meta JSON: %v\n%s", err, body)
	}
	if len(def.Graphs) == 0 {
		tb.Fatal("meta output defines no graph")
	}
	for name, g := range def.Graphs {
		if strings.Count(name, "#") > 1 {
			tb.Errorf("graph %q: '#' more than once", name)
		}
		for _, part := range strings.Split(name, ".") {
			if !namePart.MatchString(part) {
				tb.Errorf("graph %q: invalid part %q", name, part)
			}
		}
		if g.Label == "" || g.Unit == "" || len(g.Metrics) == 0 {
			tb.Errorf("graph %q: label %q, unit %q, %d metrics", name, g.Label, g.Unit, len(g.Metrics))
		}
		wildcard := strings.ContainsAny(name, "#*")
		for _, m := range g.Metrics {
			if !namePart.MatchString(m.Name) || m.Label == "" {
				tb.Errorf("graph %q: metric %q (label %q) invalid", name, m.Name, m.Label)
			}
			for _, other := range g.Metrics {
				if wildcard && other.Name != m.Name && strings.HasPrefix(other.Name, m.Name) {
					tb.Errorf("wildcard graph %q: metric %q is a prefix of %q", name, m.Name, other.Name)
				}
			}
		}
	}
	checkNoOverlap(tb, def.Graphs)
	return def.Graphs
}

// checkNoOverlap fails when one metric key could match two graph
// definitions: two patterns (graph and metric name joined) of the same
// length that agree, or have a wildcard, at every part.
func checkNoOverlap(tb testing.TB, graphs map[string]mp.Graphs) {
	tb.Helper()
	var patterns []string
	for name, g := range graphs {
		for _, m := range g.Metrics {
			patterns = append(patterns, name+"."+m.Name)
		}
	}
	slices.Sort(patterns)
	for i, a := range patterns {
		for _, b := range patterns[i+1:] {
			if overlap(strings.Split(a, "."), strings.Split(b, ".")) {
				tb.Errorf("a key can match two graph definitions: %s and %s", a, b)
			}
		}
	}
}

func overlap(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		wild := a[i] == "#" || a[i] == "*" || b[i] == "#" || b[i] == "*"
		if !wild && a[i] != b[i] {
			return false
		}
	}
	return true
}

var namePart = regexp.MustCompile(`^([-a-zA-Z0-9_]+|#|\*)$`)

// Defined reports whether a printed metric name belongs to one of the
// graph definitions: the graph name and metric name joined, with '#' and
// '*' matching one key part.
func Defined(graphs map[string]mp.Graphs, key string) bool {
	for name, g := range graphs {
		for _, m := range g.Metrics {
			if matchKey(strings.Split(name+"."+m.Name, "."), strings.Split(key, ".")) {
				return true
			}
		}
	}
	return false
}

func matchKey(pattern, key []string) bool {
	if len(pattern) != len(key) {
		return false
	}
	for i, p := range pattern {
		if p != "#" && p != "*" && p != key[i] {
			return false
		}
	}
	return true
}

// ValueMap returns the printed values by metric name.
func ValueMap(tb testing.TB, stdout string) map[string]float64 {
	tb.Helper()
	Values(tb, stdout)
	m := map[string]float64{}
	for _, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) == 3 {
			v, _ := strconv.ParseFloat(f[1], 64)
			m[f[0]] = v
		}
	}
	return m
}

// CheckRates compares the per-minute rates in stdout with growth, the
// amount each counter grew since a state stamped lastTime: the run may
// have crossed into a later second than the test expected, so the rate
// is computed from the time the run stamped.
func CheckRates(tb testing.TB, stdout string, growth map[string]float64, lastTime int64) {
	tb.Helper()
	_, stamp := Values(tb, stdout)
	got := ValueMap(tb, stdout)
	for k, g := range growth {
		v, ok := got[k]
		if !ok {
			tb.Errorf("no value for %s in\n%s", k, stdout)
			continue
		}
		if want := g * 60 / float64(stamp-lastTime); v != want {
			tb.Errorf("%s = %v, want %v (grew %v over %d s)", k, v, want, g, stamp-lastTime)
		}
	}
}
