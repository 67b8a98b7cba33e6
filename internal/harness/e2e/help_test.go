package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// TestHelpPlaceholders: every flag in the metric plugins' -h shows a
// placeholder that is a value's kind (string, int...) or a name in capitals
// (NAME|PATH), never a word the flag package took from a backquoted
// phrase of the usage, as it did with `ip netns` ("-netns ip netns").
func TestHelpPlaceholders(t *testing.T) {
	flagLine := regexp.MustCompile(`^  -([-a-z0-9_]+)(?: (.+))?$`)
	kinds := map[string]bool{"string": true, "int": true, "uint": true, "float": true, "duration": true, "value": true}
	for name, bin := range plugins(t) {
		if !strings.HasPrefix(name, "mackerel-plugin-") {
			continue
		}
		res := testbin.Run(t, bin, nil, "-h")
		flags := 0
		for _, line := range strings.Split(res.Stdout+res.Stderr, "\n") {
			m := flagLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			flags++
			if ph := m[2]; ph != "" && !kinds[ph] && strings.ToUpper(ph) != ph {
				t.Errorf("%s -h: -%s shows the placeholder %q", name, m[1], ph)
			}
		}
		if flags < 5 {
			t.Errorf("%s -h: %d flags found, want every flag: %q", name, flags, res.Stdout+res.Stderr)
		}
	}
}
