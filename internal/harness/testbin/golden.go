package testbin

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files with the current output")

// Golden compares got with the file testdata/<name>.golden of the calling
// package; with -update it writes the file instead. A line of got that is
// a JSON object (the graph definitions after "# mackerel-agent-plugin") is
// compared and stored indented, so that a change to it reads as a diff of
// the lines that changed.
func Golden(tb testing.TB, name, got string) {
	tb.Helper()
	got = indentJSONLines(got)
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		tb.Errorf("output differs from %s:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// indentJSONLines indents every line of s that is a valid JSON object;
// other lines are kept as they are.
func indentJSONLines(s string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, line := range lines {
		body := strings.TrimSuffix(line, "\n")
		if !strings.HasPrefix(body, "{") || !json.Valid([]byte(body)) {
			continue
		}
		var b bytes.Buffer
		if err := json.Indent(&b, []byte(body), "", "  "); err != nil {
			continue
		}
		lines[i] = b.String() + line[len(body):]
	}
	return strings.Join(lines, "")
}
