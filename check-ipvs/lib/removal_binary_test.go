package checkipvs_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/harness/testbin"
)

// director is a procfs root whose net/ip_vs a test replaces with the one
// of a fixture tree, as a health checker changes the kernel's table.
type director struct {
	t    *testing.T
	root string
}

func newDirector(t *testing.T) *director {
	t.Helper()
	d := &director{t: t, root: t.TempDir()}
	if err := os.MkdirAll(filepath.Join(d.root, "net"), 0o755); err != nil {
		t.Fatal(err)
	}
	return d
}

// table makes net/ip_vs that of the fixture tree name.
func (d *director) table(name string) {
	d.t.Helper()
	b, err := os.ReadFile(filepath.Join(fixture(name), "net", "ip_vs"))
	if err == nil {
		err = os.WriteFile(filepath.Join(d.root, "net", "ip_vs"), b, 0o644)
	}
	if err != nil {
		d.t.Fatal(err)
	}
}

// step is one run of check-ipvs on the table of a fixture tree.
type step struct {
	table      string
	args       []string
	wantCode   int
	wantStdout string // "~" prefix: stdout contains the rest
	wantStderr string // contained in stderr
}

// runSteps runs the steps in order against one director and one state
// (MACKEREL_PLUGIN_WORKDIR, so that the default state path is used).
func runSteps(t *testing.T, d *director, env []string, steps []step) {
	t.Helper()
	bin := testbin.Build(t, pkg)
	for i, s := range steps {
		d.table(s.table)
		res := testbin.Run(t, bin, env, append([]string{"--procfs-root", d.root}, s.args...)...)
		ok := res.Stdout == s.wantStdout
		if want, found := strings.CutPrefix(s.wantStdout, "~"); found {
			ok = strings.Contains(res.Stdout, want)
		}
		if res.ExitCode != s.wantCode || !ok || !strings.Contains(res.Stderr, s.wantStderr) {
			t.Fatalf("step %d (%s %q):\n got exit %d, stdout %q, stderr %q\nwant exit %d, stdout %q, stderr with %q",
				i+1, s.table, s.args, res.ExitCode, res.Stdout, res.Stderr, s.wantCode, s.wantStdout, s.wantStderr)
		}
	}
}

// workdir is the environment of a check whose default state goes to a
// directory of the test's, with local time in UTC.
func workdir(t *testing.T) (string, []string) {
	dir := t.TempDir()
	return dir, []string{"MACKEREL_PLUGIN_WORKDIR=" + dir, "TZ=UTC"}
}

func TestBinaryRemovedRealServers(t *testing.T) {
	const (
		three   = "ipvs-pool-of-three"
		oneGone = "ipvs-pool-one-removed"
		twoGone = "ipvs-pool-two-removed"
		allOK   = "IPVS OK: 1 service, 3 real servers, all available\n"
	)
	removed8092 := "TCP 10.0.0.4:80 -> 127.0.0.1:8092 removed, last seen "
	removed8091 := "TCP 10.0.0.4:80 -> 127.0.0.1:8091 removed, last seen "
	tests := []struct {
		name  string
		steps []step
	}{
		{"a removed real server warns on every run until it returns", []step{
			{table: three, wantCode: 0, wantStdout: allOK},
			{table: oneGone, wantCode: 1, wantStdout: "~IPVS WARNING: " + removed8092},
			{table: oneGone, wantCode: 1, wantStdout: "~IPVS WARNING: " + removed8092},
			{table: oneGone, args: []string{"-c", "3"}, wantCode: 2, wantStdout: "IPVS CRITICAL: TCP 10.0.0.4:80: 2 of 3 real servers available\n"},
			{table: three, wantCode: 0, wantStdout: allOK},
			{table: three, wantCode: 0, wantStdout: allOK},
		}},
		{"weighted capacity counts the removed with their last weight", []step{
			{table: three, wantCode: 0, wantStdout: allOK},
			{table: oneGone, args: []string{"--critical-capacity", "50%"}, wantCode: 1, wantStdout: "~IPVS WARNING: " + removed8092},
			{table: twoGone, args: []string{"--critical-capacity", "50%"}, wantCode: 2,
				wantStdout: "~IPVS CRITICAL: TCP 10.0.0.4:80: weight 1 of 21 in rotation (4.8%); "},
			{table: twoGone, args: []string{"--warning-capacity=5%", "--critical-capacity=4%", "-w", "0", "-c", "0"}, wantCode: 1,
				wantStdout: "IPVS WARNING: TCP 10.0.0.4:80: weight 1 of 21 in rotation (4.8%)\n"},
			{table: twoGone, args: []string{"-w", "0", "-c", "0"}, wantCode: 0, wantStdout: "IPVS OK: 1 service, 3 real servers, 2 removed\n"},
			{table: twoGone, args: []string{"--critical-capacity", "4%", "-w", "0", "-c", "0"}, wantCode: 0, wantStdout: "IPVS OK: 1 service, 3 real servers, 2 removed\n"},
			{table: three, args: []string{"--critical-capacity", "50%"}, wantCode: 0, wantStdout: allOK},
		}},
		{"a weight-0 real server counts with its last non-zero weight", []step{
			{table: three, wantCode: 0, wantStdout: allOK},
			{table: "ipvs-pool-one-quiescent", args: []string{"--warning-capacity", "60%", "-w", "0"}, wantCode: 1,
				wantStdout: "IPVS WARNING: TCP 10.0.0.4:80: weight 11 of 21 in rotation (52.4%)\n"},
			{table: oneGone, args: []string{"--warning-capacity", "60%", "-w", "0"}, wantCode: 1,
				wantStdout: "IPVS WARNING: TCP 10.0.0.4:80: weight 11 of 21 in rotation (52.4%)\n"},
		}},
		{"capacity is off by default and the count thresholds keep their meaning", []step{
			{table: three, wantCode: 0, wantStdout: allOK},
			{table: twoGone, args: []string{"-w", "1", "-c", "1"}, wantCode: 0, wantStdout: "IPVS OK: 1 service, 3 real servers, 2 removed\n"},
			{table: twoGone, args: []string{"-w", "2", "-c", "1"}, wantCode: 1, wantStdout: "~IPVS WARNING: " + removed8091},
		}},
		{"--forget forgets a server removed on purpose, for good", []step{
			{table: three, wantCode: 0, wantStdout: allOK},
			{table: oneGone, wantCode: 1, wantStdout: "~IPVS WARNING: " + removed8092},
			{table: oneGone, args: []string{"--forget", "127.0.0.1:8092"}, wantCode: 0,
				wantStdout: "IPVS OK: 1 service, 2 real servers, all available\n", wantStderr: "check-ipvs: forgot the removed real server 127.0.0.1:8092 (state "},
			{table: oneGone, wantCode: 0, wantStdout: "IPVS OK: 1 service, 2 real servers, all available\n"},
			{table: oneGone, args: []string{"--forget", "all"}, wantCode: 0,
				wantStdout: "IPVS OK: 1 service, 2 real servers, all available\n", wantStderr: "check-ipvs: nothing removed to forget"},
		}},
		{"--forget all, in the run that finds them removed", []step{
			{table: three, wantCode: 0, wantStdout: allOK},
			{table: twoGone, args: []string{"--forget=all"}, wantCode: 0, wantStdout: "IPVS OK: 1 service, 1 real server, all available\n",
				wantStderr: "forgot the removed real server 127.0.0.1:8091"},
			{table: twoGone, wantCode: 0, wantStdout: "IPVS OK: 1 service, 1 real server, all available\n"},
		}},
		{"an emptied table is CRITICAL until the service is back, which keeps its memory", []step{
			{table: three, wantCode: 0, wantStdout: allOK},
			{table: "ipvs-no-services", wantCode: 2, wantStdout: "~IPVS CRITICAL: no virtual services: 1 service removed, last seen "},
			{table: "ipvs-no-services", wantCode: 2, wantStdout: "~IPVS CRITICAL: no virtual services: 1 service removed, last seen "},
			{table: oneGone, wantCode: 1, wantStdout: "~IPVS WARNING: " + removed8092},
		}},
		{"an empty table never seen full is OK", []step{
			{table: "ipvs-no-services", wantCode: 0, wantStdout: "IPVS OK: no virtual services configured\n"},
			{table: "ipvs-no-services", wantCode: 0, wantStdout: "IPVS OK: no virtual services configured\n"},
		}},
		{"a removed service warns until it returns", []step{
			{table: "ipvs-all-available", wantCode: 0, wantStdout: "IPVS OK: 6 services, 10 real servers, all available\n"},
			{table: "ipvs-one-service-gone", wantCode: 1, wantStdout: "~IPVS WARNING: UDP 10.0.0.1:53 service removed, last seen "},
			{table: "ipvs-one-service-gone", wantCode: 1, wantStdout: "~IPVS WARNING: UDP 10.0.0.1:53 service removed, last seen "},
			{table: "ipvs-all-available", wantCode: 0, wantStdout: "IPVS OK: 6 services, 10 real servers, all available\n"},
		}},
		{"--forget names a removed service", []step{
			{table: "ipvs-all-available", wantCode: 0, wantStdout: "IPVS OK: 6 services, 10 real servers, all available\n"},
			{table: "ipvs-one-service-gone", wantCode: 1, wantStdout: "~IPVS WARNING: UDP 10.0.0.1:53 service removed, last seen "},
			{table: "ipvs-one-service-gone", args: []string{"--forget", "UDP:10.0.0.1:53"}, wantCode: 0,
				wantStdout: "IPVS OK: 5 services, 9 real servers, all available\n", wantStderr: "forgot the removed service UDP 10.0.0.1:53"},
			{table: "ipvs-one-service-gone", wantCode: 0, wantStdout: "IPVS OK: 5 services, 9 real servers, all available\n"},
		}},
		{"--forget-after lets a removed service go", []step{
			{table: "ipvs-all-available", wantCode: 0, wantStdout: "IPVS OK: 6 services, 10 real servers, all available\n"},
			{table: "ipvs-one-service-gone", args: []string{"--forget-after", "0.0000001s"}, wantCode: 0,
				wantStdout: "IPVS OK: 5 services, 9 real servers, all available\n"},
		}},
		{"the two fwmark services of a mark are two: an IPv6 real server removed", []step{
			{table: "ipvs-fwm-two-families", wantCode: 0, wantStdout: "IPVS OK: 2 services, 3 real servers, all available\n"},
			{table: "ipvs-fwm-two-families-flipped", wantCode: 0, wantStdout: "IPVS OK: 2 services, 3 real servers, all available\n"},
			{table: "ipvs-fwm-ipv6-one-removed", wantCode: 1, wantStdout: "~IPVS WARNING: FWM 1 IPv6 -> [2001:db8::105]:0 removed, last seen "},
			{table: "ipvs-fwm-ipv6-one-removed", args: []string{"-s", "FWM6:1", "-s", "FWM:1"}, wantCode: 1, wantStdout: "~IPVS WARNING: FWM 1 IPv6 -> [2001:db8::105]:0 removed, last seen "},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, env := workdir(t)
			runSteps(t, newDirector(t), env, tt.steps)
		})
	}
}

// The memory belongs to the host, not to the flags: a check definition
// with other thresholds shares it, and there is one state file.
func TestBinaryRemovedMemorySharedByDefinitions(t *testing.T) {
	dir, env := workdir(t)
	d := newDirector(t)
	runSteps(t, d, env, []step{
		{table: "ipvs-pool-of-three", args: []string{"-w", "0", "-c", "0", "-s", "TCP:10.0.0.9:80"}, wantCode: 2,
			wantStdout: "IPVS CRITICAL: TCP 10.0.0.9:80 not present\n"},
		{table: "ipvs-pool-one-removed", args: []string{"--critical-capacity", "90%"}, wantCode: 2,
			wantStdout: "~IPVS CRITICAL: TCP 10.0.0.4:80: weight 11 of 21 in rotation (52.4%); TCP 10.0.0.4:80 -> 127.0.0.1:8092 removed"},
	})
	files, _ := filepath.Glob(filepath.Join(dir, "mackerel-plugin-proc-net-*", "*"))
	if len(files) != 1 || !strings.HasPrefix(filepath.Base(files[0]), "check-ipvs-") {
		t.Errorf("state files %q, want one check-ipvs state", files)
	}
}

// "last seen" is the time of the last run that saw the pool whole: the
// state file's modification time, which every run touches; it is said as
// an age, which reads the same in every time zone.
func TestBinaryRemovedLastSeen(t *testing.T) {
	dir, env := workdir(t)
	d := newDirector(t)
	runSteps(t, d, env, []step{{table: "ipvs-pool-of-three", wantCode: 0, wantStdout: "IPVS OK: 1 service, 3 real servers, all available\n"}})
	state := onlyFile(t, dir)
	// Half a minute into the age's minute, so that the runs stay in it.
	seen := time.Now().Add(-2*time.Hour - 5*time.Minute - 30*time.Second)
	if err := os.Chtimes(state, seen, seen); err != nil {
		t.Fatal(err)
	}
	runSteps(t, d, env, []step{
		{table: "ipvs-pool-one-removed", wantCode: 1, wantStdout: "IPVS WARNING: TCP 10.0.0.4:80 -> 127.0.0.1:8092 removed, last seen 2 h 5 min ago\n"},
		{table: "ipvs-pool-one-removed", wantCode: 1, wantStdout: "IPVS WARNING: TCP 10.0.0.4:80 -> 127.0.0.1:8092 removed, last seen 2 h 5 min ago\n"},
	})
}

// A removed real server is forgotten after --forget-after (default 7d);
// 0 remembers it for ever.
func TestBinaryRemovedForgetAfter(t *testing.T) {
	longAgo := `{"program":"check-ipvs","format":1,"procfs_root":"ROOT","pool":"0","removed":[{"service":"TCP:10.0.0.4:80","real_server":"127.0.0.1:8092","weight":10,"last_seen":946684800}]}` + "\nS TCP:10.0.0.4:80\n7F000001:1F9B 10\n7F000001:1F9D 1\n"
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
	}{
		{"default: forgotten after a week", nil, 0, "IPVS OK: 1 service, 2 real servers, all available\n"},
		{"--forget-after 0: for ever", []string{"--forget-after", "0"}, 1, "~IPVS WARNING: TCP 10.0.0.4:80 -> 127.0.0.1:8092 removed, last seen "},
		{"--forget-after in days", []string{"--forget-after=100000d"}, 1, "~IPVS WARNING: TCP 10.0.0.4:80 -> 127.0.0.1:8092 removed, last seen "},
		{"--forget-after in hours", []string{"--forget-after=36h"}, 0, "IPVS OK: 1 service, 2 real servers, all available\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDirector(t)
			state := filepath.Join(t.TempDir(), "state")
			if err := os.WriteFile(state, []byte(strings.Replace(longAgo, "ROOT", d.root, 1)), 0o600); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"--state-file", state}, tt.args...)
			runSteps(t, d, []string{"TZ=UTC"}, []step{
				{table: "ipvs-pool-one-removed", args: args, wantCode: tt.wantCode, wantStdout: tt.wantStdout},
				{table: "ipvs-pool-one-removed", args: args, wantCode: tt.wantCode, wantStdout: tt.wantStdout},
			})
		})
	}
}

// A corrupt or foreign state is no memory, never a failure; it is
// replaced, and remembers from then on.
func TestBinaryRemovedBadState(t *testing.T) {
	for name, content := range map[string]string{
		"empty":                    "",
		"truncated":                `{"program":"check-ipvs","form`,
		"not JSON":                 "\x00\x01binary\n",
		"check-arp-table's":        `{"program":"check-arp-table","family":"inet","table_fulls":0}` + "\n",
		"another format":           `{"program":"check-ipvs","format":99,"procfs_root":"ROOT","pool":"1"}` + "\n",
		"another procfs root":      `{"program":"check-ipvs","format":1,"procfs_root":"/elsewhere","pool":"1"}` + "\nS TCP:10.0.0.4:80\n7F000001:1F9C 10\n",
		"a bad real server":        `{"program":"check-ipvs","format":1,"procfs_root":"ROOT","pool":"1"}` + "\nS TCP:10.0.0.4:80\nnot-an-address 10\n",
		"a bad removed entry":      `{"program":"check-ipvs","format":1,"procfs_root":"ROOT","pool":"1","removed":[{"service":"XYZ:1","real_server":"1.2.3.4:5"}]}` + "\n",
		"a real server before any": `{"program":"check-ipvs","format":1,"procfs_root":"ROOT","pool":"1"}` + "\n7F000001:1F9C 10\n",
		"a directory":              "",
	} {
		t.Run(name, func(t *testing.T) {
			d := newDirector(t)
			state := filepath.Join(t.TempDir(), "state")
			var err error
			if name == "a directory" {
				err = os.Mkdir(state, 0o755)
			} else {
				err = os.WriteFile(state, []byte(strings.ReplaceAll(content, "ROOT", d.root)), 0o600)
			}
			if err != nil {
				t.Fatal(err)
			}
			args := []string{"--state-file", state}
			wantOK := "IPVS OK: 1 service, 2 real servers, all available\n"
			var wantStderr string
			if name == "a directory" {
				// Not a state: moved aside and replaced, said on stderr.
				wantStderr = "state file " + state + " is a directory, not a regular file: not trusted, replaced"
			}
			runSteps(t, d, nil, []step{
				{table: "ipvs-pool-one-removed", args: args, wantCode: 0, wantStdout: wantOK, wantStderr: wantStderr},
				{table: "ipvs-pool-two-removed", args: args, wantCode: 1, wantStdout: "~IPVS WARNING: TCP 10.0.0.4:80 -> 127.0.0.1:8091 removed, last seen "},
			})
		})
	}
}

// Runs at the same time (several check definitions, one state) never
// read a half-written state or lose the memory: each sees the removed
// real server, and so does the run after them.
func TestBinaryRemovedConcurrentRuns(t *testing.T) {
	_, env := workdir(t)
	d := newDirector(t)
	runSteps(t, d, env, []step{{table: "ipvs-pool-of-three", wantCode: 0, wantStdout: "IPVS OK: 1 service, 3 real servers, all available\n"}})
	d.table("ipvs-pool-one-removed")
	bin := testbin.Build(t, pkg)
	const runs = 8
	results := make([]testbin.Result, runs)
	var wg sync.WaitGroup
	for i := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			args := []string{"--procfs-root", d.root}
			if i%2 == 1 {
				args = append(args, "--warning-capacity", "60%", "--critical-capacity", "10%")
			}
			results[i] = testbin.Run(t, bin, env, args...)
		}()
	}
	wg.Wait()
	for i, res := range results {
		if res.ExitCode != 1 || !strings.Contains(res.Stdout, "127.0.0.1:8092 removed, last seen ") {
			t.Errorf("run %d: exit %d, stdout %q, stderr %q", i, res.ExitCode, res.Stdout, res.Stderr)
		}
	}
	runSteps(t, d, env, []step{{table: "ipvs-pool-one-removed", wantCode: 1, wantStdout: "~IPVS WARNING: TCP 10.0.0.4:80 -> 127.0.0.1:8092 removed, last seen "}})
}

func onlyFile(t *testing.T, dir string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "mackerel-plugin-proc-net-*", "*"))
	if err != nil || len(files) != 1 {
		t.Fatalf("files in %s: %q, %v; want one", dir, files, err)
	}
	return files[0]
}
