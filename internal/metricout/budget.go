package metricout

import (
	"cmp"
	"flag"
	"fmt"
	"hash/fnv"
	"slices"
)

// Budget is -max-metrics: how many metrics a run may print, rates
// counted, since Mackerel bills every metric of a host beyond its
// allowance (200 per Standard host, shared with the agent's own).
type Budget struct {
	// Max is the limit; 0 means none.
	Max int
	min int
}

// Register adds -max-metrics with the plugin's default; min is the least
// a plugin can fold down to (its fixed keys and the folded groups).
func (b *Budget) Register(fs *flag.FlagSet, def, min int) {
	b.min = min
	fs.IntVar(&b.Max, "max-metrics", def, fmt.Sprintf("print at most this many metrics, folding the rest into summaries and other (0: no limit, every item; else at least %d)", min))
}

// SetMin changes the least -max-metrics takes, for a plugin whose fixed
// keys depend on its other flags.
func (b *Budget) SetMin(min int) { b.min = min }

// Validate checks -max-metrics.
func (b *Budget) Validate() error {
	if b.Max != 0 && b.Max < b.min {
		return fmt.Errorf("-max-metrics %d: want 0 (no limit) or at least %d", b.Max, b.min)
	}
	return nil
}

// Fits reports whether n metrics fit the budget.
func (b *Budget) Fits(n int) bool { return b.Max == 0 || n <= b.Max }

// Ranked is an item competing for one of a limited number of places,
// such as a service or a family of devices; Weight ranks it (the
// heaviest first, then by name).
type Ranked struct {
	Name   string
	Weight uint64
	Cost   int // metrics it costs, for Fill
	// Pinned is always kept, in one of the places: the device family
	// with the most rows is never folded into other.
	Pinned bool
}

// Keep chooses at most n of items (more if more are pinned) and returns
// their names; it sorts items, heaviest first. Without a previous choice
// it takes the pinned and the heaviest. With one, remembered in w's
// state under group, an item kept last run stays kept unless one left
// out is more than twice as heavy (and heavier by more than one): small
// changes of weight do not change the keys printed. It allocates with
// the places, not with the items: a director may rank thousands.
func Keep(w *Writer, group string, items []Ranked, n int) map[string]bool {
	slices.SortFunc(items, heaviestFirst)
	chosen := map[string]bool{}
	pinned := 0
	for _, it := range items {
		if it.Pinned {
			chosen[it.Name] = true
			pinned++
		}
	}
	n = max(0, min(n, len(items))-pinned)
	kept := make([]Ranked, 0, n)
	// Incumbents first, then newcomers, each heaviest first.
	for _, incumbents := range [...]bool{true, false} {
		for _, it := range items {
			if len(kept) == n {
				break
			}
			if !chosen[it.Name] && (!incumbents || WasKept(w, group, it.Name)) {
				kept = append(kept, it)
				chosen[it.Name] = true
			}
		}
	}
	// The heaviest left out may each take the lightest place.
	for _, c := range items {
		if len(kept) == 0 {
			break
		}
		if chosen[c.Name] {
			continue
		}
		light := 0
		for i, k := range kept {
			if k.Weight < kept[light].Weight || k.Weight == kept[light].Weight && k.Name > kept[light].Name {
				light = i
			}
		}
		if c.Weight <= 2*kept[light].Weight+1 {
			break
		}
		delete(chosen, kept[light].Name)
		kept[light] = c
		chosen[c.Name] = true
	}
	for name := range chosen {
		w.Remember(keptKey(group, name), 1)
	}
	return chosen
}

func heaviestFirst(a, b Ranked) int {
	return cmp.Or(cmp.Compare(b.Weight, a.Weight), cmp.Compare(a.Name, b.Name))
}

// WasKept reports whether Keep or Fill chose name in group on the
// previous run.
func WasKept(w *Writer, group, name string) bool {
	_, ok := w.recallJoin("kept.", group, ".", name)
	return ok
}

func keptKey(group, name string) string { return "kept." + group + "." + name }

// Fill chooses items whose costs add up to at most budget: those chosen
// last run (remembered under group) first, heaviest first, while they fit
// budget; then the others, heaviest first, only while the whole stays
// within Margin(budget), so that the items chosen can grow a little
// without one of them having to go. An item that does not fit is skipped
// for a cheaper one after it.
func Fill(w *Writer, group string, items []Ranked, budget int) map[string]bool {
	type entry struct {
		Ranked
		incumbent bool
	}
	order := make([]entry, len(items))
	for i, it := range items {
		order[i] = entry{it, WasKept(w, group, it.Name)}
	}
	slices.SortFunc(order, func(a, b entry) int {
		return cmp.Or(-cmp.Compare(b2i(a.incumbent), b2i(b.incumbent)), heaviestFirst(a.Ranked, b.Ranked))
	})
	set := map[string]bool{}
	used, margin := 0, Margin(budget)
	for _, it := range order {
		limit := margin
		if it.incumbent {
			limit = budget
		}
		if used+it.Cost <= limit {
			used += it.Cost
			set[it.Name] = true
			w.Remember(keptKey(group, it.Name), 1)
		}
	}
	return set
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Notice writes msg to stderr once: when it differs from the notice of
// the previous run (remembered by a hash in the state), so that the
// agent, which logs every stderr line of every run, logs a fold when it
// first happens or changes, not once a minute. An empty msg (nothing
// folded) is remembered too, so that a fold coming back is told again.
func Notice(w *Writer, msg string) {
	h := fnv.New32a()
	h.Write([]byte(msg))
	sum := float64(h.Sum32())
	if last, ok := w.Recall("notice"); (!ok || last != sum) && msg != "" {
		w.Warnf("%s", msg)
	}
	w.Remember("notice", sum)
}
