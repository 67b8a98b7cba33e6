package checkrun

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

type testOptions struct {
	Warning    string   `short:"w" long:"warning"`
	ProcfsRoot string   `long:"procfs-root"`
	Services   []string `short:"s" long:"service"`
	Version    bool     `long:"version"`
}

func TestParse(t *testing.T) {
	tests := []struct {
		args    []string
		want    testOptions
		wantErr string
	}{
		{args: []string{"--procfs-root", "/host/proc", "-w", "80%"}, want: testOptions{Warning: "80%", ProcfsRoot: "/host/proc"}},
		{args: []string{"-procfs-root", "/host/proc"}, want: testOptions{ProcfsRoot: "/host/proc"}},
		{args: []string{"-procfs-root=/host/proc", "-version"}, wantErr: "version requested"},
		{args: []string{"--version", "extra"}, wantErr: "version requested"},
		{args: []string{"-s", "a", "-service", "b"}, want: testOptions{Services: []string{"a", "b"}}},
		{args: []string{"-w", "-warning"}, wantErr: "expected argument"},
		{args: []string{"--", "-procfs-root"}, wantErr: `unexpected argument "-procfs-root"`},
		{args: []string{"extra"}, wantErr: `unexpected argument "extra"`},
		{args: []string{"-x"}, wantErr: "unknown flag \"x\""},
		{args: []string{"-procfs"}, wantErr: "unknown flag \"p\""},
	}
	for _, tt := range tests {
		var got testOptions
		err := Parse("t", "[OPTIONS]", &got, tt.args)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Parse(%q) error %v, want %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tt.args, got, err, tt.want)
		}
	}
}

func TestParseHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"-help"}, {"-w", "1", "--help"}} {
		var o testOptions
		err := Parse("prog", "[OPTIONS]\n\nWhat it does.", &o, args)
		var help *HelpRequest
		if !errors.As(err, &help) || !strings.Contains(help.Usage, "prog [OPTIONS]") || !strings.Contains(help.Usage, "--procfs-root") {
			t.Errorf("Parse(%q) = %v, want a help request with the usage", args, err)
		}
	}
}
