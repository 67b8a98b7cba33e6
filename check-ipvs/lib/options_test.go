package checkipvs

import (
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/checkrun"
	"github.com/procnet/mackerel-plugin-proc-net/internal/threshold"
)

func TestParseOptions(t *testing.T) {
	withDefaults := func(f func(*options)) options {
		o := defaultOptions()
		f(&o)
		return o
	}
	tests := []struct {
		args []string
		want options
	}{
		{nil, defaultOptions()},
		{[]string{"-s", "TCP:10.0.0.1:80", "--service=FWM:0x1", "-sUDP:[2001:db8::1]:53"}, withDefaults(func(o *options) {
			o.Services = specs(t, "TCP:10.0.0.1:80", "FWM:1", "UDP:[2001:db8::1]:53")
		})},
		{[]string{"--expect", "TCP:10.0.0.9:80", "--expect=SCTP:10.0.0.2:3868"}, withDefaults(func(o *options) {
			o.Expect = specs(t, "TCP:10.0.0.9:80", "SCTP:10.0.0.2:3868")
		})},
		{[]string{"-w", "50%", "-c", "1"}, withDefaults(func(o *options) {
			o.Warning = threshold.Threshold{Value: 50, Percent: true}
			o.Critical = threshold.Threshold{Value: 1}
		})},
		{[]string{"--warning-available=3", "--critical-available=25%"}, withDefaults(func(o *options) {
			o.Warning = threshold.Threshold{Value: 3}
			o.Critical = threshold.Threshold{Value: 25, Percent: true}
		})},
		{[]string{"-c", "0"}, withDefaults(func(o *options) { o.Critical = threshold.Threshold{} })},
		// -w 0 is off, whatever -c is: the warning is left to --warning-capacity.
		{[]string{"-w", "0", "-c", "2"}, withDefaults(func(o *options) { o.Warning, o.Critical = threshold.Threshold{}, threshold.Threshold{Value: 2} })},
		{[]string{"--procfs-root", "/host/proc"}, withDefaults(func(o *options) { o.ProcfsRoot = "/host/proc" })},
		{[]string{"--warning-capacity", "75%", "--critical-capacity=50%"}, withDefaults(func(o *options) {
			o.WarningCapacity, o.CriticalCapacity = 75, 50
		})},
		{[]string{"--state-file", "/var/lib/x", "--forget", "127.0.0.1:8092", "--forget=[2001:db8::1]:80"}, withDefaults(func(o *options) {
			o.StateFile = "/var/lib/x"
			o.Forget = []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:8092"), netip.MustParseAddrPort("[2001:db8::1]:80")}
		})},
		{[]string{"--forget", "all"}, withDefaults(func(o *options) { o.ForgetAll = true })},
		{[]string{"--forget-after", "0"}, withDefaults(func(o *options) { o.ForgetAfter = 0 })},
		{[]string{"--forget-after", "1.5d"}, withDefaults(func(o *options) { o.ForgetAfter = 36 * time.Hour })},
		{[]string{"--forget-after", "90m"}, withDefaults(func(o *options) { o.ForgetAfter = 90 * time.Minute })},
	}
	for _, tt := range tests {
		got, err := parseOptions(tt.args)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseOptions(%q) = %+v, %v; want %+v", tt.args, got, err, tt.want)
		}
	}
}

func TestParseOptionsRejects(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"-x"}, "unknown flag \"x\""},
		{[]string{"--warning=1"}, "unknown flag \"warning\""},
		{[]string{"-w"}, `expected argument for flag "-w, --warning-available"`},
		{[]string{"-w", "lots"}, `--warning-available: invalid threshold "lots": want a number or a percentage such as 80%`},
		{[]string{"-w", ""}, `--warning-available: invalid threshold "": want a number or a percentage such as 80%`},
		{[]string{"--critical-available=101%"}, `--critical-available: invalid threshold "101%": a percentage is at most 100%`},
		{[]string{"-c", "-1"}, `expected argument for flag "-c, --critical-available", but got option "-1"`},
		{[]string{"-c=-1"}, `--critical-available: invalid threshold "-1": want a number or a percentage such as 80%`},
		{[]string{"-s", "TCP:10.0.0.1"}, `invalid service "TCP:10.0.0.1": want TCP:ADDR:PORT, IPv6 in brackets`},
		{[]string{"--expect", "FWM:0"}, `invalid service "FWM:0": firewall mark "0": want a number from 1 to 4294967295, decimal or 0x hex`},
		{[]string{"TCP:10.0.0.1:80"}, `unexpected argument "TCP:10.0.0.1:80"`},
		{[]string{"--", "-s"}, `unexpected argument "-s"`},
		{[]string{"-expect=TCP:10.0.0.1"}, `invalid service "TCP:10.0.0.1": want TCP:ADDR:PORT, IPv6 in brackets`},
		{[]string{"--critical-capacity", "50"}, `--critical-capacity "50": want a percentage of the service's weight, such as 50%`},
		{[]string{"-w", "1", "-c", "3"}, `--warning-available 1 is below --critical-available 3: the WARNING threshold must be reached first`},
		{[]string{"-w", "50%", "-c", "75%"}, `--warning-available 50% is below --critical-available 75%: the WARNING threshold must be reached first`},
		{[]string{"--warning-capacity", "50%", "--critical-capacity", "75%"}, `--warning-capacity 50% is below --critical-capacity 75%: the WARNING threshold must be reached first`},
		{[]string{"--warning-capacity", "150%"}, `--warning-capacity: invalid threshold "150%": a percentage is at most 100%`},
		{[]string{"--forget", "127.0.0.1"}, `--forget "127.0.0.1": want a real server as ADDR:PORT (IPv6 in brackets), a service as PROTO:ADDR:PORT or FWM:MARK, or all`},
		{[]string{"--forget-after", "a week"}, `--forget-after "a week": want a duration such as 7d or 36h, or 0 for ever`},
		{[]string{"--forget-after=-1h"}, `--forget-after "-1h": want a duration such as 7d or 36h, or 0 for ever`},
		{[]string{"--forget-after", "xd"}, `--forget-after "xd": want a duration such as 7d or 36h, or 0 for ever`},
		{[]string{"--forget-after", "NaNd"}, `--forget-after "NaNd": want a duration such as 7d or 36h, or 0 for ever`},
		{[]string{"--forget-after", "Infd"}, `--forget-after "Infd": want a duration such as 7d or 36h, or 0 for ever`},
		{[]string{"--netns", ""}, `--netns '': want a name from ip netns or a path such as /proc/PID/ns/net`},
		{[]string{"--netns="}, `--netns '': want a name from ip netns or a path such as /proc/PID/ns/net`},
	}
	for _, tt := range tests {
		got, err := parseOptions(tt.args)
		if err == nil || err.Error() != tt.wantErr {
			t.Errorf("parseOptions(%q) = %+v, %v; want error %s", tt.args, got, err, tt.wantErr)
		}
	}
}

func TestParseOptionsHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"-w", "50%", "--help"}} {
		_, err := parseOptions(args)
		var help *checkrun.HelpRequest
		if !errors.As(err, &help) {
			t.Errorf("parseOptions(%q) = %v, want a help request", args, err)
			continue
		}
		for _, want := range []string{"Usage:\n  check-ipvs [OPTIONS]", "--service=PROTO:ADDR:PORT", "--critical-available=N|N%", "--procfs-root=DIR", "3 UNKNOWN",
			"--warning-capacity=N%", "--critical-capacity=N%", "--state-file=FILE", "--forget=ADDR:PORT|SERVICE|all", "--forget-after=DURATION"} {
			if !strings.Contains(help.Usage, want) {
				t.Errorf("parseOptions(%q): usage lacks %q:\n%s", args, want, help.Usage)
			}
		}
	}
}

func TestParseOptionsVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"--procfs-root=/host/proc", "--version"}} {
		var ver *checkrun.VersionRequest
		if _, err := parseOptions(args); !errors.As(err, &ver) {
			t.Errorf("parseOptions(%q) = %v, want a version request", args, err)
		}
	}
}
