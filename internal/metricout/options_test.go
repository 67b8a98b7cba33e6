package metricout

import (
	"bytes"
	"flag"
	"strings"
	"testing"
)

func TestParseAndValidate(t *testing.T) {
	tests := []struct {
		args     []string
		done     bool
		code     int
		stdout   string
		stderr   string
		prefix   string
		validErr bool
	}{
		{args: nil, prefix: "proc.net.x"},
		{args: []string{"-metric-key-prefix", "lb1.x"}, prefix: "lb1.x"},
		{args: []string{"--metric-key-prefix=lb1.x"}, prefix: "lb1.x"},
		{args: []string{"-metric-key-prefix", "bad prefix"}, prefix: "bad prefix", validErr: true},
		{args: []string{"-metric-key-prefix", "a..b"}, prefix: "a..b", validErr: true},
		{args: []string{"-metric-key-prefix", ""}, prefix: "", validErr: true},
		{args: []string{"-h"}, done: true, code: 0, stdout: "Usage of t:"},
		{args: []string{"--help"}, done: true, code: 0, stdout: "-metric-key-prefix"},
		{args: []string{"-nope"}, done: true, code: 2, stderr: "flag provided but not defined: -nope"},
		{args: []string{"extra"}, done: true, code: 2, stderr: `unexpected argument "extra"`},
		{args: []string{"-netns", ""}, done: true, code: 2, stderr: `invalid value "" for flag -netns: want a name from ip netns`},
		{args: []string{"--netns="}, done: true, code: 2, stderr: `invalid value "" for flag -netns: want a name from ip netns`},
		{args: []string{"-netns", "blue"}, prefix: "proc.net.x"},
		{args: []string{"-metric-label-prefix", "ingress sbox"}, prefix: "proc.net.x"},
		{args: []string{"--metric-label-prefix=x\ty"}, prefix: "proc.net.x", validErr: true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var o Options
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			o.Register(fs, "proc.net.x")
			var stdout, stderr bytes.Buffer
			done, code := Parse(fs, tt.args, &stdout, &stderr)
			if done != tt.done || code != tt.code {
				t.Fatalf("Parse = %v, %d; want %v, %d", done, code, tt.done, tt.code)
			}
			if !strings.Contains(stdout.String(), tt.stdout) || !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stdout %q stderr %q; want %q and %q", stdout.String(), stderr.String(), tt.stdout, tt.stderr)
			}
			if tt.done {
				return
			}
			if o.Prefix != tt.prefix || (o.Validate() != nil) != tt.validErr {
				t.Errorf("prefix %q (validate %v), want %q (error %v)", o.Prefix, o.Validate(), tt.prefix, tt.validErr)
			}
		})
	}
}
