package checkarptable

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/internal/checkrun"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

func TestMessage(t *testing.T) {
	base := reading{
		Family: procnet.Inet, Count: 850, Entries: 850, Global: true, Thresh3: 1024, Thresh2: 512,
		HasTableFulls: true, CountSource: "/proc/net/stat/arp_cache", ThreshSource: "/proc/sys/net/ipv4/neigh/default", HostFiles: true,
	}
	second := overflows{Known: true, HasPrevious: true}
	tests := []struct {
		name string
		r    func(r *reading)
		o    overflows
		want string
	}{
		{"the README example", nil, second,
			"850 of 1024 entries (83.0% of gc_thresh3; gc_thresh2 512); 0 table overflows since last check; source /proc/net/stat/arp_cache"},
		{"refined", func(r *reading) { r.Entries, r.Refined, r.PermanentExcluded = 900, true, 50 }, second,
			"850 of 1024 entries (83.0% of gc_thresh3; gc_thresh2 512); 900 in the whole table, less 50 permanent entries of this namespace; 0 table overflows since last check; source /proc/net/stat/arp_cache"},
		{"refined, externally learned among them", func(r *reading) {
			r.Entries, r.Refined, r.PermanentExcluded, r.ExtLearnedExcluded = 900, true, 50, 5
		}, second,
			"850 of 1024 entries (83.0% of gc_thresh3; gc_thresh2 512); 900 in the whole table, less 50 permanent or externally learned entries of this namespace; 0 table overflows since last check; source /proc/net/stat/arp_cache"},
		{"container dump", func(r *reading) {
			r.Global, r.HasTableFulls, r.Thresh2, r.HostFiles = false, false, 0, false
			r.CountSource, r.ThreshSource = "rtnetlink RTM_GETNEIGH rows of this namespace only", "--gc-thresh3"
		}, overflows{},
			"850 of 1024 entries (83.0% of gc_thresh3); table overflows unknown from this source; source rtnetlink RTM_GETNEIGH rows of this namespace only, gc_thresh3 from --gc-thresh3"},
		{"overflowed", nil, overflows{Known: true, HasPrevious: true, Previous: 2, Total: 9, Window: 5 * time.Minute, InWindow: 7},
			"7 table overflows since last check (table_fulls 2 -> 9): the kernel refused new neighbours; 850 of 1024 entries (83.0% of gc_thresh3; gc_thresh2 512); source /proc/net/stat/arp_cache"},
		{"one overflow, and more before it in the window", nil, overflows{Known: true, HasPrevious: true, Previous: 8, Total: 9, Window: 90 * time.Minute, InWindow: 4},
			"1 table overflow since last check (table_fulls 8 -> 9), 3 before it within the last 1h30m: the kernel refused new neighbours; 850 of 1024 entries (83.0% of gc_thresh3; gc_thresh2 512); source /proc/net/stat/arp_cache"},
		{"none since, some in the window", nil, overflows{Known: true, HasPrevious: true, Previous: 9, Total: 9, Window: time.Hour, InWindow: 1},
			"1 table overflow within the last 1h, none since last check: the kernel refused new neighbours; 850 of 1024 entries (83.0% of gc_thresh3; gc_thresh2 512); source /proc/net/stat/arp_cache"},
		{"container rows", func(r *reading) {
			r.Global, r.HasTableFulls, r.Thresh2, r.HostFiles = false, false, 0, false
			r.CountSource, r.ThreshSource = "/proc/net/arp rows of this namespace only", "--gc-thresh3"
		}, overflows{},
			"850 of 1024 entries (83.0% of gc_thresh3); table overflows unknown from this source; source /proc/net/arp rows of this namespace only, gc_thresh3 from --gc-thresh3"},
		{"inet6 over rtnetlink", func(r *reading) {
			r.Family, r.CountSource, r.ThreshSource, r.HostFiles = procnet.Inet6, sourceNetlink, sourceNetlink, false
		}, second,
			"850 of 1024 ndisc_cache entries (83.0% of gc_thresh3; gc_thresh2 512); 0 table overflows since last check; source rtnetlink RTM_GETNEIGHTBL"},
		{"unsaved state", nil, overflows{Known: true, SaveErr: errors.New("state file /x/s.json: read-only file system")},
			"850 of 1024 entries (83.0% of gc_thresh3; gc_thresh2 512); 0 table overflows so far, none to compare with (first check); source /proc/net/stat/arp_cache; overflows not tracked: state not saved: state file /x/s.json: read-only file system"},
	}
	for _, tt := range tests {
		r := base
		if tt.r != nil {
			tt.r(&r)
		}
		if got := message(r, tt.o); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func TestMessageLength(t *testing.T) {
	r := reading{Family: procnet.Inet, Count: 1, Thresh3: 2, CountSource: strings.Repeat("/very/long/path", 100)}
	r.Notes = []string{strings.Repeat("é", 2000)}
	var out strings.Builder
	checkrun.Report(&out, "ARP-TABLE", checkers.NewChecker(checkers.CRITICAL, message(r, overflows{})))
	got := strings.TrimSuffix(out.String(), "\n")
	if n := utf8.RuneCountInString(got); n > checkrun.LineLimit || !utf8.ValidString(got) || !strings.HasSuffix(got, "...") {
		t.Errorf("%d runes, valid %v", n, utf8.ValidString(got))
	}
}
