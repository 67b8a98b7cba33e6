package metricout

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestKeep(t *testing.T) {
	items := []Ranked{{Name: "a", Weight: 5}, {Name: "b", Weight: 3}, {Name: "c", Weight: 9}, {Name: "d", Weight: 3}}
	tests := []struct {
		name    string
		kept    []string // remembered from the previous run
		weights map[string]uint64
		n       int
		want    []string
	}{
		{"first run: heaviest, ties by name", nil, nil, 3, []string{"a", "b", "c"}},
		{"all fit", nil, nil, 9, []string{"a", "b", "c", "d"}},
		{"none", nil, nil, 0, nil},
		{"incumbents stay against a slightly heavier newcomer", []string{"b", "d"}, map[string]uint64{"a": 7, "c": 7}, 2, []string{"b", "d"}},
		{"a newcomer over twice as heavy takes the lightest place", []string{"b", "d"}, map[string]uint64{"c": 8, "a": 7}, 2, []string{"b", "c"}}, // d: the later name of two alike,
		{"two newcomers both take places", []string{"b", "d"}, map[string]uint64{"c": 8, "a": 8}, 2, []string{"a", "c"}},
		{"more incumbents than places: the heaviest of them", []string{"a", "b", "d"}, map[string]uint64{"c": 7}, 2, []string{"a", "b"}},
		{"a gone incumbent frees its place", []string{"a", "gone"}, nil, 2, []string{"a", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "s.json")
			var st strings.Builder
			st.WriteString(`{"_lastTime":1799999940`)
			for _, k := range tt.kept {
				st.WriteString(`,"_kept.g.` + k + `":1`)
			}
			st.WriteString("}")
			if err := os.WriteFile(path, []byte(st.String()), 0o600); err != nil {
				t.Fatal(err)
			}
			var out, errs bytes.Buffer
			w := NewWriter(&out, &errs, "p", path, t0)
			in := slices.Clone(items)
			for i := range in {
				if v, ok := tt.weights[in[i].Name]; ok {
					in[i].Weight = v
				}
			}
			got := slices.Sorted(maps.Keys(Keep(w, "g", in, tt.n)))
			if !slices.Equal(got, tt.want) {
				t.Errorf("kept %v, want %v", got, tt.want)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			// The choice is remembered: the same weights give the same keys.
			w = NewWriter(&out, &errs, "p", path, t0.Add(time.Minute))
			if again := slices.Sorted(maps.Keys(Keep(w, "g", in, tt.n))); !slices.Equal(again, got) {
				t.Errorf("next run kept %v, want %v again", again, got)
			}
		})
	}
}

func TestNoticeOnceUntilItChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	now := t0
	for i, tt := range []struct{ msg, want string }{
		{"folded 3", "folded 3\n"},
		{"folded 3", ""},
		{"folded 4", "folded 4\n"},
		{"", ""},
		{"folded 4", "folded 4\n"},
	} {
		var out, errs bytes.Buffer
		w := NewWriter(&out, &errs, "p", path, now)
		Notice(w, tt.msg)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if errs.String() != tt.want {
			t.Errorf("run %d, notice %q: stderr %q, want %q", i, tt.msg, errs.String(), tt.want)
		}
		now = now.Add(time.Minute)
	}
}

func TestBudgetValidate(t *testing.T) {
	for _, tt := range []struct {
		max int
		ok  bool
	}{{0, true}, {20, true}, {100, true}, {19, false}, {-1, false}} {
		b := Budget{Max: tt.max, min: 20}
		if err := b.Validate(); (err == nil) != tt.ok {
			t.Errorf("-max-metrics %d: %v", tt.max, err)
		}
	}
}
