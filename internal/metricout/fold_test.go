package metricout

import (
	"bytes"
	"maps"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestFoldHolds drives a view's cost through runs a minute apart: a fold
// holds while the view hovers at the bound, and ends only after an hour
// within 80% of it.
func TestFoldHolds(t *testing.T) {
	b := Budget{Max: 100}
	hour := int(foldHold / time.Minute)
	tests := []struct {
		name  string
		costs []int
		want  []bool // folded, run by run
		unfld int    // the run that unfolds, -1 for none
	}{
		{"never over", []int{90, 100, 60}, []bool{false, false, false}, -1},
		{"oscillating at the bound", []int{96, 104, 96, 104, 96}, []bool{false, true, true, true, true}, -1},
		{"back under the margin too briefly", append([]int{110}, repeat(70, hour-1)...), append([]bool{true}, repeat(true, hour-1)...), -1},
		{"under the margin an hour", append([]int{110}, repeat(70, hour+1)...), append(append([]bool{true}, repeat(true, hour)...), false), hour + 1},
		{"a run over the margin restarts the hour", append(append([]int{110}, repeat(70, hour-1)...), 85, 70), append(append([]bool{true}, repeat(true, hour-1)...), true, true), -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "s.json")
			now := t0
			for i, n := range tt.costs {
				var out, errs bytes.Buffer
				w := NewWriter(&out, &errs, "p", path, now)
				fold, unfolded := b.Fold(w, "g", n)
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				if fold != tt.want[i] || unfolded != (i == tt.unfld) {
					t.Fatalf("run %d, cost %d: fold %v unfolded %v, want %v %v", i, n, fold, unfolded, tt.want[i], i == tt.unfld)
				}
				now = now.Add(time.Minute)
			}
		})
	}
}

func repeat[T any](v T, n int) []T {
	s := make([]T, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func TestKeepPinned(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	items := []Ranked{{Name: "a", Weight: 5}, {Name: "b", Weight: 4}, {Name: "eth", Weight: 9, Pinned: true}}
	w := NewWriter(&bytes.Buffer{}, &bytes.Buffer{}, "p", path, t0)
	Keep(w, "g", items[:2], 2) // a and b kept last run
	w.Close()
	w = NewWriter(&bytes.Buffer{}, &bytes.Buffer{}, "p", path, t0.Add(time.Minute))
	got := slices.Sorted(maps.Keys(Keep(w, "g", items, 2)))
	if !slices.Equal(got, []string{"a", "eth"}) {
		t.Errorf("kept %v: want the pinned one and the heavier incumbent", got)
	}
}

// TestFillMargin: newcomers fill 80% of the budget, incumbents keep their
// place up to the whole of it.
func TestFillMargin(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	items := []Ranked{{Name: "a", Cost: 40, Weight: 3}, {Name: "b", Cost: 30, Weight: 2}, {Name: "c", Cost: 10, Weight: 1}}
	w := NewWriter(&bytes.Buffer{}, &bytes.Buffer{}, "p", path, t0)
	if got := slices.Sorted(maps.Keys(Fill(w, "d", items, 100))); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("first run chose %v", got)
	}
	w.Close()
	items[1].Cost = 45 // b grew: 95 in all, over the margin but within the budget
	w = NewWriter(&bytes.Buffer{}, &bytes.Buffer{}, "p", path, t0.Add(time.Minute))
	if got := slices.Sorted(maps.Keys(Fill(w, "d", items, 100))); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("after growth chose %v: incumbents keep their place", got)
	}
	w.Close()
	path = filepath.Join(t.TempDir(), "s.json")
	w = NewWriter(&bytes.Buffer{}, &bytes.Buffer{}, "p", path, t0)
	if got := slices.Sorted(maps.Keys(Fill(w, "d", items, 100))); !slices.Equal(got, []string{"a", "c"}) {
		t.Errorf("afresh chose %v: newcomers only within 80", got)
	}
}
