package arp

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/procnet/mackerel-plugin-proc-net/internal/metricout"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// A deviceSection is the rows of one family per device, printed below
// prefix (devices. for IPv4, ipv6_devices. for IPv6).
type deviceSection struct {
	prefix string
	rows   procnet.ARPSummary
}

// A deviceGroup is what one key part below a section's prefix stands for:
// a device, a family of devices or the other devices, with their rows.
type deviceGroup struct {
	name   string // the device's or family's name, which orders the groups
	key    string
	counts procnet.ARPCounts
}

// otherKey is the group of the devices folded beyond the largest
// families. A family of that very name is folded into it too, so that a
// key never means two things.
const otherKey = "other"

// deviceGroups returns, for each section, the groups to print within
// what -max-metrics leaves after the others keys, sorted by key. Every
// device when they fit, as before there was a budget; else the devices'
// name families (eth0, eth1 -> eth; veth3fa2b1c4 -> veth); when those do
// not fit either, the largest families (by rows; sticky, see
// metricout.Keep; the largest of each section always) and the rest
// summed as other. Each fold holds (metricout.Budget.Fold). The rows of
// the groups of a section always add up to the section's rows. Says on
// stderr when the shape first changes, either way.
func (p plugin) deviceGroups(w *metricout.Writer, sections []deviceSection, others int) [][]deviceGroup {
	budget := &p.opts.Budget
	devices := 0
	for _, s := range sections {
		devices += len(s.rows.PerDevice)
	}
	out := make([][]deviceGroup, len(sections))
	fold, unfolded := budget.Fold(w, "devices", others+devices*countKeys)
	if !fold {
		if unfolded {
			metricout.Notice(w, fmt.Sprintf("%s: rows per device have fitted -max-metrics %d with room for an hour: printed per device again", name, budget.Max))
		} else {
			metricout.Notice(w, "")
		}
		for i, s := range sections {
			for dev, c := range s.rows.PerDevice {
				out[i] = append(out[i], deviceGroup{dev, deviceKey(dev), *c})
			}
		}
		return sorted(out)
	}
	places := max(0, budget.Max-others) / countKeys
	// Families by key: two names of one key ("br-lan", "br_lan") are one.
	fams := make([]map[string]*procnet.ARPCounts, len(sections))
	var ranked []metricout.Ranked
	for i, s := range sections {
		fams[i] = map[string]*procnet.ARPCounts{}
		for dev, c := range s.rows.PerDevice {
			key := deviceKey(family(dev))
			f := fams[i][key]
			if f == nil {
				f = &procnet.ARPCounts{}
				fams[i][key] = f
			}
			add(f, *c)
		}
		first := len(ranked)
		for f, c := range fams[i] {
			if f != otherKey {
				ranked = append(ranked, metricout.Ranked{Name: s.prefix + f, Weight: c.Total()})
			}
		}
		pinLargest(ranked[first:])
	}
	msg := fmt.Sprintf("%s: rows per device do not fit -max-metrics %d: printed per name family (eth0, eth1 -> eth; veth3fa2b1c4 -> veth)", name, budget.Max)
	kept := map[string]bool{}
	foldFamilies, unfoldedFamilies := budget.Fold(w, "families", others+len(ranked)*countKeys)
	if hasOther(fams) || foldFamilies {
		kept = metricout.Keep(w, "devices", ranked, places-len(sections))
		msg += fmt.Sprintf(", the %d largest families kept and the rest summed as other", len(kept))
	} else {
		for _, r := range ranked {
			kept[r.Name] = true
		}
		if unfoldedFamilies {
			msg += ", every family again (they have fitted with room for an hour)"
		}
	}
	metricout.Notice(w, msg+", "+metricout.HoldNote()+"; -max-metrics 0 prints every device")
	for i, s := range sections {
		var other procnet.ARPCounts
		folded := false
		for f, c := range fams[i] {
			if kept[s.prefix+f] {
				out[i] = append(out[i], deviceGroup{f, f, *c})
			} else {
				add(&other, *c)
				folded = true
			}
		}
		if folded {
			out[i] = append(out[i], deviceGroup{"", otherKey, other})
		}
	}
	return sorted(out)
}

// pinLargest pins the family with the most rows of a section (the first
// by name of those alike): the main NIC is never folded into other.
func pinLargest(ranked []metricout.Ranked) {
	top := -1
	for i, r := range ranked {
		if top < 0 || r.Weight > ranked[top].Weight || r.Weight == ranked[top].Weight && r.Name < ranked[top].Name {
			top = i
		}
	}
	if top >= 0 {
		ranked[top].Pinned = true
	}
}

func hasOther(fams []map[string]*procnet.ARPCounts) bool {
	for _, f := range fams {
		if _, ok := f[otherKey]; ok {
			return true
		}
	}
	return false
}

// sorted orders each section's groups by name, other last.
func sorted(groups [][]deviceGroup) [][]deviceGroup {
	for _, g := range groups {
		slices.SortFunc(g, func(a, b deviceGroup) int {
			return cmp.Or(cmp.Compare(a.isOther(), b.isOther()), strings.Compare(a.name, b.name))
		})
	}
	return groups
}

func (g deviceGroup) isOther() int {
	if g.name == "" {
		return 1
	}
	return 0
}

func add(to *procnet.ARPCounts, c procnet.ARPCounts) {
	to.Complete += c.Complete
	to.Incomplete += c.Incomplete
	to.Permanent += c.Permanent
	to.Proxy += c.Proxy
}

func writeGroups(w *metricout.Writer, prefix string, groups []deviceGroup) {
	for _, g := range groups {
		writeCounts(w, prefix+g.key+".", g.counts)
	}
}

// family is the name family of a device: its name without the hash
// (a trailing run of at least six hex digits, one of them a decimal
// digit: veth3fa2b1c4, cali0ab12cd34ef, lxc9ab0cdef12) or else without
// everything from its first digit (eth0, bond0.100, enp3s0), without a
// trailing separator. A hash takes no more than the name's first three
// characters (the "c" of lxc and the "e" of gke are hex digits too). A
// name with neither is its own family (lo, weave, "*").
func family(dev string) string {
	i, digit := len(dev), false
	for i > 0 && isHexDigit(dev[i-1]) {
		i--
		digit = digit || dev[i] <= '9'
	}
	cut := -1
	if len(dev)-i >= 6 && digit {
		cut = max(i, 3)
	} else if j := strings.IndexAny(dev, "0123456789"); j > 0 {
		cut = j
	}
	if cut < 0 || cut >= len(dev) {
		return dev
	}
	if f := strings.TrimRight(dev[:cut], "-_.@"); f != "" {
		return f
	}
	return dev
}

func isHexDigit(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' }
