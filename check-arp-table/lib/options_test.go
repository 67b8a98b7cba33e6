package checkarptable

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/checkrun"
	"github.com/procnet/mackerel-plugin-proc-net/internal/statefile"
	"github.com/procnet/mackerel-plugin-proc-net/internal/threshold"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

func TestParseOptions(t *testing.T) {
	t.Setenv("MACKEREL_PLUGIN_WORKDIR", "/var/tmp/mackerel")
	tests := []struct {
		args    []string
		want    options
		wantErr string
	}{
		{args: nil, want: options{Warning: defaultWarning, Critical: defaultCritical, Family: procnet.Inet}},
		{args: []string{"-w", "850", "-c", "95%", "--family", "inet6", "--gc-thresh3", "2048", "--procfs-root", "/host/proc", "--state-file", "/tmp/s.json"},
			want: options{Warning: threshold.Threshold{Value: 850}, Critical: threshold.Threshold{Value: 95, Percent: true}, Family: procnet.Inet6,
				GCThresh3: 2048, ProcfsRoot: "/host/proc", StateFile: "/tmp/s.json"}},
		{args: []string{"--warning=70%", "--critical=70%", "--family=ipv4"}, want: options{Warning: threshold.Threshold{Value: 70, Percent: true}, Critical: threshold.Threshold{Value: 70, Percent: true}, Family: procnet.Inet}},
		{args: []string{"-w", "x"}, wantErr: "--warning: invalid threshold"},
		{args: []string{"-c=-1"}, wantErr: "--critical: invalid threshold"},
		{args: []string{"-w", "900", "-c", "800"}, wantErr: "--warning 900 is above --critical 800: the WARNING threshold must be reached first"},
		{args: []string{"--family", "6x"}, wantErr: "--family: unknown family"},
		{args: []string{"--gc-thresh3", "0"}, wantErr: "--gc-thresh3 must be at least 1"},
		{args: []string{"--gc-thresh3", "many"}, wantErr: "gc-thresh3"},
		{args: []string{"-state-file", "x", "-gc-thresh3=100"}, want: options{Warning: defaultWarning, Critical: defaultCritical, StateFile: "x", GCThresh3: 100}},
		{args: []string{"--", "-w"}, wantErr: `unexpected argument "-w"`},
		{args: []string{"--window", "1h30m"}, want: options{Warning: defaultWarning, Critical: defaultCritical, Window: 90 * time.Minute}},
		{args: []string{"--window", "NaNm"}, wantErr: `--window "NaNm": want a duration from 1s to 24h, such as 10m`},
		{args: []string{"--window", "25h"}, wantErr: `--window "25h": want a duration from 1s to 24h`},
		{args: []string{"--window", "0s"}, wantErr: `--window "0s": want a duration from 1s to 24h`},
		{args: []string{"--window", "10"}, wantErr: `--window "10": want a duration`},
	}
	for _, tt := range tests {
		if tt.want.Window == 0 {
			tt.want.Window = 5 * time.Minute
		}
		got, err := parseOptions(tt.args)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseOptions(%q) error %v, want %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseOptions(%q): %v", tt.args, err)
			continue
		}
		if tt.want.StateFile == "" {
			if !strings.HasPrefix(got.StateFile, "/var/tmp/mackerel/") || !strings.HasPrefix(got.StateFile, statefile.Dir()+"/check-arp-table-") {
				t.Errorf("parseOptions(%q) state file %q, want one under $MACKEREL_PLUGIN_WORKDIR", tt.args, got.StateFile)
			}
			got.StateFile = ""
		}
		if got != tt.want {
			t.Errorf("parseOptions(%q)\n got %+v\nwant %+v", tt.args, got, tt.want)
		}
	}

	var help *checkrun.HelpRequest
	if _, err := parseOptions([]string{"--help"}); !errors.As(err, &help) || !strings.Contains(help.Usage, "--warning") {
		t.Errorf("--help: %v", err)
	}
	var ver *checkrun.VersionRequest
	if _, err := parseOptions([]string{"--version"}); !errors.As(err, &ver) {
		t.Errorf("--version: %v, want a version request", err)
	}
}

func TestDefaultStateFileIgnoresThresholds(t *testing.T) {
	t.Setenv("MACKEREL_PLUGIN_WORKDIR", t.TempDir())
	a, _ := parseOptions([]string{"-w", "10"})
	b, _ := parseOptions([]string{"-w", "20%"})
	c, _ := parseOptions([]string{"--family", "inet6"})
	d, _ := parseOptions([]string{"--procfs-root", "/host/proc"})
	if a.StateFile != b.StateFile {
		t.Errorf("thresholds change the state file: %s, %s", a.StateFile, b.StateFile)
	}
	if a.StateFile == c.StateFile || a.StateFile == d.StateFile {
		t.Errorf("family or root do not change the state file: %s %s %s", a.StateFile, c.StateFile, d.StateFile)
	}
}
