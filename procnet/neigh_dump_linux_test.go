package procnet

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// ndmsg is the body of an RTM_NEWNEIGH message (attributes left out: the
// counter reads the header only).
func ndmsg(family uint8, ifindex int32, nud uint16, flags uint8) []byte {
	b := make([]byte, sizeofNdmsg)
	b[0] = family
	binary.NativeEndian.PutUint32(b[4:8], uint32(ifindex))
	binary.NativeEndian.PutUint16(b[8:10], nud)
	b[10] = flags
	return b
}

// nlmsgFlags is nlmsg with header flags.
func nlmsgFlags(typ, flags uint16, seq uint32, body []byte) []byte {
	b := nlmsg(typ, seq, body)
	binary.NativeEndian.PutUint16(b[6:8], flags)
	return b
}

// fakeDumper answers each dump request with the next datagram of its
// script, walked by the real walkNetlinkMessages.
type fakeDumper struct {
	script [][]byte
	reqs   [][]byte
	names  map[int32]string
}

func (f *fakeDumper) dump(typ uint16, body []byte, fn func(typ, flags uint16, body []byte) error) error {
	if typ != unix.RTM_GETNEIGH {
		return errors.New("not RTM_GETNEIGH")
	}
	f.reqs = append(f.reqs, append([]byte(nil), body...))
	if len(f.script) == 0 {
		return errors.New("dump not scripted")
	}
	dgram := f.script[0]
	f.script = f.script[1:]
	done, err := walkNetlinkMessages(dgram, 1, 0, fn)
	if err == nil && !done {
		err = errors.New("script without NLMSG_DONE")
	}
	return err
}

func (f *fakeDumper) ifName(i int32) (string, error) {
	if n, ok := f.names[i]; ok {
		return n, nil
	}
	return "", unix.ENODEV
}

func dgram(msgs ...[]byte) []byte { return bytes.Join(msgs, nil) }

var (
	done     = nlmsg(unix.NLMSG_DONE, 1, []byte{0, 0, 0, 0})
	doneIntr = nlmsgFlags(unix.NLMSG_DONE, unix.NLM_F_MULTI|unix.NLM_F_DUMP_INTR, 1, []byte{0, 0, 0, 0})
)

func neigh(family uint8, ifindex int32, nud uint16, flags uint8) []byte {
	return nlmsgFlags(unix.RTM_NEWNEIGH, unix.NLM_F_MULTI, 1, ndmsg(family, ifindex, nud, flags))
}

func TestNeighCounter(t *testing.T) {
	f := &fakeDumper{names: map[int32]string{2: "eth0", 3: "eth1"}, script: [][]byte{
		dgram(
			neigh(unix.AF_INET, 2, nudReachable, 0),
			neigh(unix.AF_INET, 2, nudStale, 0),
			neigh(unix.AF_INET, 3, nudDelay, 0),
			neigh(unix.AF_INET, 2, nudProbe, 0),
			neigh(unix.AF_INET, 2, nudIncomplete, 0),
			neigh(unix.AF_INET, 3, nudFailed, 0),
			neigh(unix.AF_INET, 2, nudPermanent, 0),
			neigh(unix.AF_INET, 1, nudNoARP, 0), // hidden by net/arp
			neigh(unix.AF_INET, 2, 0, 0),        // NONE: hidden too
			neigh(unix.AF_INET, 2, nudStale, ntfExtLearned),
			neigh(unix.AF_INET6, 2, nudReachable, 0),
			neigh(unix.AF_INET6, 3, nudPermanent, ntfExtLearned), // exempt once
			neigh(unix.AF_INET6, 7, nudStale, 0),                 // device gone since
			neigh(unix.AF_BRIDGE, 2, nudPermanent, 0),            // not a neighbour table
			done,
		),
		dgram(
			neigh(unix.AF_INET, 2, 0, ntfProxy),
			neigh(unix.AF_INET, 0, 0, ntfProxy), // bound to no device
			neigh(unix.AF_INET6, 3, 0, ntfProxy),
			done,
		),
	}}
	d, err := dumpNeighbours(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]byte{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ntfProxy, 0}}; !reflect.DeepEqual(f.reqs, want) {
		t.Errorf("requests %v, want %v", f.reqs, want)
	}
	var want4 [NumNeighStates]uint64
	want4[NeighReachable], want4[NeighStale], want4[NeighDelay], want4[NeighProbe] = 1, 2, 1, 1
	want4[NeighIncomplete], want4[NeighFailed], want4[NeighPermanent], want4[NeighNoARP], want4[NeighNone] = 1, 1, 1, 1, 1
	if d.IPv4.States != want4 || d.IPv4.Proxy != 2 || d.IPv4.ExtLearned != 1 || d.IPv4.GCExempt != 2 || d.IPv4.Entries() != 10 {
		t.Errorf("IPv4 %+v", d.IPv4)
	}
	wantRows4 := ARPSummary{ARPCounts: ARPCounts{Complete: 5, Incomplete: 2, Permanent: 1, Proxy: 2}, PerDevice: map[string]*ARPCounts{
		"eth0": {Complete: 4, Incomplete: 1, Permanent: 1, Proxy: 1},
		"eth1": {Complete: 1, Incomplete: 1},
		"*":    {Proxy: 1},
	}}
	if !reflect.DeepEqual(d.IPv4.Rows, wantRows4) {
		t.Errorf("IPv4 rows %+v", d.IPv4.Rows)
	}
	if d.IPv6.States[NeighReachable] != 1 || d.IPv6.States[NeighPermanent] != 1 || d.IPv6.States[NeighStale] != 1 ||
		d.IPv6.Proxy != 1 || d.IPv6.ExtLearned != 1 || d.IPv6.GCExempt != 1 {
		t.Errorf("IPv6 %+v", d.IPv6)
	}
	wantRows6 := map[string]*ARPCounts{"eth0": {Complete: 1}, "eth1": {Permanent: 1, Proxy: 1}, "ifindex7": {Complete: 1}}
	if !reflect.DeepEqual(d.IPv6.Rows.PerDevice, wantRows6) {
		t.Errorf("IPv6 rows per device %+v", d.IPv6.Rows.PerDevice)
	}
}

// A dump the kernel marks as interrupted is started again, proxies
// included, and only the complete dump is counted.
func TestDumpInterruptedIsRetried(t *testing.T) {
	f := &fakeDumper{names: map[int32]string{2: "eth0"}, script: [][]byte{
		dgram(neigh(unix.AF_INET, 2, nudStale, 0), neigh(unix.AF_INET, 2, nudStale, 0), doneIntr),
		dgram(neigh(unix.AF_INET, 2, 0, ntfProxy), done),
		dgram(neigh(unix.AF_INET, 2, nudReachable, 0), done),
		dgram(neigh(unix.AF_INET, 2, 0, ntfProxy), done),
	}}
	d, err := dumpNeighbours(f, []Family{Inet})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.reqs) != 4 || f.reqs[0][0] != unix.AF_INET {
		t.Errorf("requests %v, want 4 of AF_INET", f.reqs)
	}
	if d.IPv4.States[NeighStale] != 0 || d.IPv4.States[NeighReachable] != 1 || d.IPv4.Proxy != 1 || d.IPv4.Rows.Total() != 2 {
		t.Errorf("counted %+v, want the second dump only", d.IPv4)
	}

	// An interruption flagged on an entry rather than on DONE counts too.
	f = &fakeDumper{names: map[int32]string{2: "eth0"}, script: [][]byte{
		dgram(nlmsgFlags(unix.RTM_NEWNEIGH, unix.NLM_F_MULTI|unix.NLM_F_DUMP_INTR, 1, ndmsg(unix.AF_INET, 2, nudStale, 0)), done),
		dgram(done),
		dgram(neigh(unix.AF_INET, 2, nudReachable, 0), done),
		dgram(done),
	}}
	if d, err = dumpNeighbours(f, nil); err != nil || d.IPv4.Entries() != 1 || d.IPv4.States[NeighReachable] != 1 {
		t.Errorf("%+v %v", d.IPv4, err)
	}

	// A table that never holds still gives up, with no numbers.
	var script [][]byte
	for range maxDumpAttempts {
		script = append(script, dgram(neigh(unix.AF_INET, 2, nudStale, 0), doneIntr), dgram(done))
	}
	f = &fakeDumper{names: map[int32]string{2: "eth0"}, script: script}
	d, err = dumpNeighbours(f, nil)
	if err == nil || !strings.Contains(err.Error(), "interrupted") || d.IPv4.Entries() != 0 || len(f.script) != 0 {
		t.Errorf("%+v %v (%d dumps left)", d.IPv4, err, len(f.script))
	}
}

func TestDumpErrors(t *testing.T) {
	for name, script := range map[string][]byte{
		"truncated ndmsg": dgram(nlmsgFlags(unix.RTM_NEWNEIGH, 0, 1, []byte{unix.AF_INET, 0, 0}), done),
		"error in DONE":   dgram(nlmsg(unix.NLMSG_DONE, 1, []byte{0xf3, 0xff, 0xff, 0xff})),
		"NLMSG_ERROR":     dgram(nlmsg(unix.NLMSG_ERROR, 1, []byte{0xff, 0xff, 0xff, 0xff})),
		"length past the end": func() []byte {
			b := neigh(unix.AF_INET, 2, nudStale, 0)
			binary.NativeEndian.PutUint32(b[0:4], 1000)
			return b
		}(),
	} {
		f := &fakeDumper{script: [][]byte{script, dgram(done)}}
		if d, err := dumpNeighbours(f, nil); err == nil {
			t.Errorf("%s: no error, %+v", name, d)
		}
	}
	// An interface whose name cannot be asked is an error, not a guess.
	f := &fakeDumper{script: [][]byte{dgram(neigh(unix.AF_INET, 2, nudStale, 0), done), dgram(done)}}
	f.names = nil
	if _, err := dumpNeighbours(eperm{f}, nil); err == nil || !strings.Contains(err.Error(), "name of interface 2") {
		t.Errorf("err %v", err)
	}
}

type eperm struct{ *fakeDumper }

func (eperm) ifName(int32) (string, error) { return "", unix.EPERM }

// FuzzNeighDump feeds arbitrary datagrams to the decoder a dump uses:
// it must not panic, and what it counts must add up.
func FuzzNeighDump(f *testing.F) {
	f.Add(dgram(neigh(unix.AF_INET, 2, nudReachable, 0), neigh(unix.AF_INET6, 3, nudStale, ntfProxy), done))
	f.Add(dgram(neigh(unix.AF_INET, 0, nudPermanent|nudNoARP, ntfExtLearned), doneIntr))
	f.Add(dgram(neigh(unix.AF_INET, -1, 0xffff, 0xff), nlmsg(unix.NLMSG_ERROR, 1, []byte{0, 0, 0, 0})))
	f.Add(nlmsg(unix.RTM_NEWNEIGH, 1, []byte{unix.AF_INET6}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		var c neighCounter
		newNeigh := 0
		_, err := walkNetlinkMessages(b, 1, 0, func(typ, flags uint16, body []byte) error {
			if typ == unix.RTM_NEWNEIGH && len(body) >= sizeofNdmsg && (body[0] == unix.AF_INET || body[0] == unix.AF_INET6) {
				newNeigh++
			}
			return c.message(typ, flags, body)
		})
		d, ferr := c.finish(&fakeDumper{names: map[int32]string{1: "lo", 2: "eth0"}})
		if ferr != nil {
			t.Fatalf("finish: %v", ferr)
		}
		if err != nil {
			return
		}
		if got := d.IPv4.Entries() + d.IPv4.Proxy + d.IPv6.Entries() + d.IPv6.Proxy; got != uint64(newNeigh) {
			t.Errorf("counted %d entries of %d messages", got, newNeigh)
		}
		for _, fc := range []*NeighCounts{&d.IPv4, &d.IPv6} {
			if fc.Rows.Total() > fc.Entries()+fc.Proxy || fc.Rows.Proxy != fc.Proxy || fc.GCExempt > fc.Entries() || fc.ExtLearned > fc.GCExempt {
				t.Errorf("inconsistent counts %+v", fc)
			}
			var perDev uint64
			for _, dc := range fc.Rows.PerDevice {
				perDev += dc.Total()
			}
			if perDev != fc.Rows.Total() {
				t.Errorf("devices sum to %d of %d rows", perDev, fc.Rows.Total())
			}
		}
	})
}
