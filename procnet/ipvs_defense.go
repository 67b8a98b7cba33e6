package procnet

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
)

// IPVSDefenseDir holds the IPVS defense sysctls of a network namespace,
// relative to the procfs root.
const IPVSDefenseDir = "sys/net/ipv4/vs"

// IPVSDefenseStrategies are the defense strategies of the kernel's
// ipvs-sysctl documentation, in the order they are reported.
var IPVSDefenseStrategies = [...]string{"drop_entry", "drop_packet", "secure_tcp"}

// DefenseMode is a defense strategy's sysctl: 0 off, 1 automatic and
// idle, 2 automatic and active (the kernel set it, memory is short), 3
// always on (an operator set it).
type DefenseMode uint8

const (
	DefenseOff    DefenseMode = 0
	DefenseAuto   DefenseMode = 1
	DefenseActive DefenseMode = 2
	DefenseAlways DefenseMode = 3
)

// Dropping reports whether the strategy is in force now: 2 (the kernel
// found memory short) or 3 (always). For drop_entry and drop_packet that
// means the kernel drops connection entries or packets; for secure_tcp
// that it uses the stricter TCP state table.
func (m DefenseMode) Dropping() bool { return m == DefenseActive || m == DefenseAlways }

// IPVSDefense is the IPVS defense state of a network namespace
// (net/netfilter/ipvs/ip_vs_ctl.c, update_defense_level). Every second
// the kernel compares the memory available, MemFree + Buffers in pages
// (si_meminfo's freeram + bufferram), with AMemThresh, and moves each
// strategy set to 1 to 2 while it is below, and back to 1 once above.
type IPVSDefense struct {
	// Modes are drop_entry, drop_packet, secure_tcp, as
	// IPVSDefenseStrategies names them.
	Modes [len(IPVSDefenseStrategies)]DefenseMode
	// AMemThresh is sys/net/ipv4/vs/amemthresh, in pages.
	AMemThresh uint64
}

// Active names the strategies at value want, in IPVSDefenseStrategies'
// order.
func (d IPVSDefense) Active(want DefenseMode) []string {
	var out []string
	for i, m := range d.Modes {
		if m == want {
			out = append(out, IPVSDefenseStrategies[i])
		}
	}
	return out
}

// IPVSDefense reads the defense sysctls of the FS's network namespace:
// sys/net/ipv4/vs/{drop_entry,drop_packet,secure_tcp,amemthresh}, opened
// from a thread inside it when the FS names one (/proc/sys/net shows the
// namespace of the thread that opens it). They exist once the ip_vs
// module is loaded; a missing one wraps fs.ErrNotExist.
func (fs FS) IPVSDefense() (IPVSDefense, error) {
	var d IPVSDefense
	for i, s := range IPVSDefenseStrategies {
		rel := path.Join(IPVSDefenseDir, s)
		v, err := fs.readUintFile(rel)
		if err != nil {
			return IPVSDefense{}, err
		}
		if v > uint64(DefenseAlways) {
			return IPVSDefense{}, &ParseError{File: fs.Path(rel), Line: 1, Err: fmt.Errorf("defense mode %d: want 0 to 3", v)}
		}
		d.Modes[i] = DefenseMode(v)
	}
	v, err := fs.readUintFile(path.Join(IPVSDefenseDir, "amemthresh"))
	if err != nil {
		return IPVSDefense{}, err
	}
	d.AMemThresh = v
	return d, nil
}

// MeminfoFile is the kernel's memory summary, global to the kernel.
const MeminfoFile = "meminfo"

// DefenseMemory reads what update_defense_level compares with
// amemthresh: MemFree + Buffers of meminfo (the kernel's freeram +
// bufferram), in pages of this system's page size.
func (fs FS) DefenseMemory() (pages uint64, err error) {
	err = fs.parseFile(MeminfoFile, func(r io.Reader, name string) error {
		pages, err = parseDefenseMemory(r, name, uint64(os.Getpagesize()))
		return err
	})
	return pages, err
}

// parseDefenseMemory sums the MemFree and Buffers lines (in kB) of a
// meminfo and converts them to pages of pageSize bytes.
func parseDefenseMemory(r io.Reader, name string, pageSize uint64) (uint64, error) {
	sc := newLineScanner(r, name)
	labels := [2]string{"MemFree:", "Buffers:"}
	var seen [2]bool
	var kB uint64
	for sc.next() {
		if len(sc.fields) == 0 {
			continue
		}
		i := slices.Index(labels[:], string(sc.fields[0]))
		if i < 0 {
			continue
		}
		if len(sc.fields) != 3 || !bytes.Equal(sc.fields[2], []byte("kB")) {
			return 0, sc.errorf("%s: want \"%s N kB\", got %q", labels[i], labels[i], sc.text())
		}
		v, err := parseDec(sc.fields[1], 53)
		if err != nil {
			return 0, sc.errorf("%v", numberError(labels[i], sc.fields[1], err))
		}
		kB += v
		seen[i] = true
	}
	if err := sc.err(); err != nil {
		return 0, err
	}
	for i, ok := range seen {
		if !ok {
			return 0, &ParseError{File: name, Err: fmt.Errorf("no %s line", labels[i])}
		}
	}
	return kB * 1024 / pageSize, nil
}
