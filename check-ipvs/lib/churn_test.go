package checkipvs

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mackerelio/checkers"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// churnTable is a table read while others churn: each read may skip a
// service (one deleted earlier in the table meanwhile) or list one twice
// (one added), as net/ip_vs and netlink dumps do; a targeted read finds
// what is really there.
type churnTable struct {
	services []procnet.Service
	// reads[i] is what read i does: skip and repeat name an index of
	// services, -1 for none; cut drops a real server of a service.
	reads   []churnRead
	n       int
	lookups int
}

type churnRead struct{ skip, repeat, cut int }

func (c *churnTable) WalkFile(fn func(*procnet.Service) error) error {
	r := churnRead{-1, -1, -1}
	if c.n < len(c.reads) {
		r = c.reads[c.n]
	}
	c.n++
	for i := range c.services {
		s := c.services[i]
		if i == r.skip {
			continue
		}
		if i == r.cut {
			s.RealServers = s.RealServers[1:]
		}
		if err := fn(&s); err != nil {
			return err
		}
		if i == r.repeat {
			if err := fn(&s); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *churnTable) Confirm(ids []procnet.IPVSServiceID, fn func(*procnet.Service, *procnet.IPVSCounters, []procnet.IPVSCounters) error) (string, error) {
	for _, id := range ids {
		c.lookups++
		for i := range c.services {
			if c.services[i].ID() == id {
				if err := fn(&c.services[i], nil, nil); err != nil {
					return "", err
				}
			}
		}
	}
	return "targeted reads", nil
}

func (c *churnTable) Close() error { return nil }

func churnDirector(t *testing.T, n int) []procnet.Service {
	var out []procnet.Service
	for i := range n {
		out = append(out, service(t, fmt.Sprintf("TCP:10.0.%d.%d:80", i/250, i%250+1),
			up(fmt.Sprintf("10.1.%d.%d:80", i/250, i%250+1)), up(fmt.Sprintf("10.2.%d.%d:80", i/250, i%250+1))))
	}
	return out
}

// A read that skips a service, lists one twice or lacks a real server
// because the table changed while it was read gives no false verdict: the
// absence is looked up again before it counts, and only an absence seen
// twice is a removal.
func TestChurnGivesNoFalseVerdict(t *testing.T) {
	skip := func(i int) churnRead { return churnRead{i, -1, -1} }
	repeat := func(i int) churnRead { return churnRead{-1, i, -1} }
	cut := func(i int) churnRead { return churnRead{-1, -1, i} }
	clean := churnRead{-1, -1, -1}
	tests := []struct {
		name  string
		args  []string
		reads []churnRead // the reads from the second run on
	}{
		{"a service skipped by the first read", nil, []churnRead{skip(3)}},
		{"a service skipped by both reads of a run", nil, []churnRead{skip(3), skip(7)}},
		{"a service listed twice", nil, []churnRead{repeat(5), repeat(5)}},
		{"a real server missing from one read", nil, []churnRead{cut(2), cut(2)}},
		{"a required service skipped", []string{"-s", "TCP:10.0.0.4:80", "--expect", "TCP:10.0.0.9:80"}, []churnRead{skip(3), skip(3), skip(8)}},
		{"a skip, then a clean read", nil, []churnRead{skip(0), clean, clean, skip(9), repeat(1), skip(9)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svcs := churnDirector(t, 10)
			opts, err := parseOptions(append(tt.args, "--state-file", filepath.Join(t.TempDir(), "state")))
			if err != nil {
				t.Fatal(err)
			}
			root := procnet.NewFS(t.TempDir())
			table := &churnTable{services: svcs, reads: append([]churnRead{clean, clean}, tt.reads...)}
			now := time.Now() // the state's time is its modification time
			for run := range 4 {
				env := runEnv{now: now.Add(time.Duration(run) * time.Minute), stderr: io.Discard,
					openTable: func(procnet.FS) (ipvsTable, error) { return table, nil }}
				v, floor, notes, err := evaluateTable(root, opts, env)
				if err != nil || v.Status != checkers.OK || floor != checkers.OK || len(notes) > 0 {
					t.Fatalf("run %d: %s %v %v %v", run, formatVerdict(v, v.Status, "", ""), floor, notes, err)
				}
				want := len(svcs)
				if len(opts.Services) > 0 {
					want = len(requiredServices(opts))
				}
				if v.Services != want {
					t.Errorf("run %d: %d services checked, want %d", run, v.Services, want)
				}
			}
		})
	}
}

// A service really gone is gone in the targeted read too: removed (the
// table is not empty) after one run that confirmed it.
func TestChurnConfirmedRemoval(t *testing.T) {
	svcs := churnDirector(t, 5)
	opts, err := parseOptions([]string{"--state-file", filepath.Join(t.TempDir(), "state")})
	if err != nil {
		t.Fatal(err)
	}
	table := &churnTable{services: svcs}
	root := procnet.NewFS(t.TempDir())
	now := time.Now() // the state's time is its modification time
	want := []string{"OK", "WARNING: TCP 10.0.0.3:80 service removed, last seen "}
	for run := range 2 {
		if run == 1 {
			table.services = slices.Delete(slices.Clone(svcs), 2, 3)
		}
		env := runEnv{now: now.Add(time.Duration(run) * time.Minute), stderr: io.Discard,
			openTable: func(procnet.FS) (ipvsTable, error) { return table, nil }}
		v, _, _, err := evaluateTable(root, opts, env)
		got := v.Status.String() + ": " + formatVerdict(v, v.Status, "", "")
		if err != nil || !strings.HasPrefix(got, want[run]) {
			t.Errorf("run %d: %s, %v; want %s", run, got, err, want[run])
		}
	}
}

// The confirmation costs nothing when nothing is missing: no targeted read
// on an unchanged table.
func TestNoConfirmationWhenNothingIsMissing(t *testing.T) {
	opts, err := parseOptions([]string{"--state-file", filepath.Join(t.TempDir(), "state")})
	if err != nil {
		t.Fatal(err)
	}
	table := &churnTable{services: churnDirector(t, 5)}
	root := procnet.NewFS(t.TempDir())
	for run := range 3 {
		env := runEnv{now: time.Now().Add(time.Duration(run) * time.Minute), stderr: io.Discard,
			openTable: func(procnet.FS) (ipvsTable, error) { return table, nil }}
		if _, _, _, err := evaluateTable(root, opts, env); err != nil {
			t.Fatal(err)
		}
	}
	if table.lookups != 0 || table.n != 3 {
		t.Errorf("%d targeted reads and %d reads of the table in 3 runs, want none and 3", table.lookups, table.n)
	}
}
