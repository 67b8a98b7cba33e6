package checkipvs

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/statefile"
)

// The memory of the pools lives in one state file per network namespace
// and procfs root (never per thresholds: two check definitions share it):
//
//	{"program":"check-ipvs","format":1,"procfs_root":"/proc","pool":"...","removed":[...],"weights":[...]}
//	S TCP:10.0.0.4:80
//	7F000001:1F9B 10
//	...
//
// (a service, then each of its real servers in the table, in hex as in
// net/ip_vs, with its last non-zero weight)
//
// The first line is all that a run on an unchanged table reads. The
// file's modification time is the time of the last run, which touches it:
// a remembered real server absent now was last seen then.
const stateFormat = 1

// maxStateSize is the largest state file read: 64 MiB holds 300,000 IPv6
// real servers all out of rotation (about 150 bytes each in the header,
// 60 in the body); a director of 100,000 needs a third of it.
const maxStateSize = 64 << 20

// stateHeader is the first line of the state file.
type stateHeader struct {
	Program    string        `json:"program"`
	Format     int           `json:"format"`
	ProcfsRoot string        `json:"procfs_root"`
	Pool       string        `json:"pool"`
	Removed    []stateMember `json:"removed,omitempty"`
	Weights    []stateMember `json:"weights,omitempty"`
	// RemovedServices are the services confirmed gone from the table,
	// with when they were last seen.
	RemovedServices []stateService `json:"removed_services,omitempty"`
}

// stateService is a removed service.
type stateService struct {
	Service  string `json:"service"`
	LastSeen int64  `json:"last_seen"`
}

// stateMember is a removed real server (with LastSeen), or one at weight
// 0 with its last non-zero weight.
type stateMember struct {
	Service    string `json:"service"`
	RealServer string `json:"real_server"`
	Weight     uint32 `json:"weight"`
	LastSeen   int64  `json:"last_seen,omitempty"`
}

// errNoMemory is why a state file gives no memory: absent, or not one of
// ours. Either way the run starts afresh and replaces it.
var errNoMemory = errors.New("no usable memory")

// remembered is what a state file gives.
type remembered struct {
	mem  memory
	pool string // the fingerprint of the table it describes
	size int64  // of the file, to size the next one's buffer
	// f is the open state, to mark this run on it (statefile.Touch); the
	// caller closes it.
	f *os.File
}

// close closes the state file, if open.
func (r *remembered) close() {
	if r.f != nil {
		r.f.Close()
		r.f = nil
	}
}

// readState reads the state file, the header only unless whole. Anything
// that is not a state of ours for root is errNoMemory; a state that cannot
// be opened (statefile.Open: unreadable, or not to be trusted) is an error
// that names it: the run starts afresh and replaces it if it can.
func readState(path, root string, whole bool) (remembered, error) {
	f, err := statefile.Open(path, maxStateSize)
	if errors.Is(err, fs.ErrNotExist) {
		return remembered{}, errNoMemory
	}
	if errors.Is(err, statefile.ErrUntrusted) {
		return remembered{}, err // it names the file and why it is not trusted
	}
	if err != nil {
		return remembered{}, fmt.Errorf("state file %s unusable: %w", path, err)
	}
	rem, err := decodeState(f, root, whole)
	if err != nil {
		f.Close()
		return remembered{}, err
	}
	rem.f = f
	return rem, nil
}

func decodeState(f *os.File, root string, whole bool) (remembered, error) {
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return remembered{}, errNoMemory
	}
	size := 4 << 10 // the header alone: one line, short unless many are out of rotation
	if whole {
		size = 64 << 10
	}
	r := bufio.NewReaderSize(io.LimitReader(f, maxStateSize), size)
	line, err := r.ReadBytes('\n')
	if err != nil {
		return remembered{}, errNoMemory
	}
	var h stateHeader
	if json.Unmarshal(line, &h) != nil || h.Program != programName || h.Format != stateFormat || h.ProcfsRoot != root || h.Pool == "" {
		return remembered{}, errNoMemory
	}
	rem := remembered{mem: memory{seen: fi.ModTime(), whole: whole}, pool: h.Pool, size: fi.Size()}
	for _, sm := range h.Removed {
		mb, spec, err := sm.member()
		if err != nil {
			return remembered{}, errNoMemory
		}
		mb.Removed, mb.LastSeen = true, sm.LastSeen
		rem.mem.add(spec, mb)
	}
	for _, ss := range h.RemovedServices {
		spec, err := parseServiceSpec(ss.Service)
		if err != nil {
			return remembered{}, errNoMemory
		}
		if rem.mem.removedServices == nil {
			rem.mem.removedServices = map[serviceSpec]int64{}
		}
		rem.mem.removedServices[spec] = ss.LastSeen
	}
	if !whole {
		for _, sm := range h.Weights {
			mb, spec, err := sm.member()
			if err != nil {
				return remembered{}, errNoMemory
			}
			rem.mem.add(spec, mb)
		}
		return rem, nil
	}
	if err := readBody(r, &rem.mem); err != nil {
		return remembered{}, errNoMemory
	}
	return rem, nil
}

func (sm stateMember) member() (member, serviceSpec, error) {
	spec, err := parseServiceSpec(sm.Service)
	if err != nil {
		return member{}, spec, err
	}
	rs, err := netip.ParseAddrPort(sm.RealServer)
	if err != nil {
		return member{}, spec, err
	}
	return member{RealServer: rs, LastWeight: sm.Weight}, spec, nil
}

// readBody reads the real servers present at the last change.
func readBody(r *bufio.Reader, mem *memory) error {
	var spec serviceSpec
	var members []member // of spec, handed to mem at the next service
	have := false
	flush := func() {
		if have {
			// A service without real servers is remembered too: its
			// absence is a removed service.
			if mem.services == nil {
				mem.services = map[serviceSpec][]member{}
			}
			mem.services[spec] = append(mem.services[spec], members...)
		}
		members = members[:0]
	}
	for n := 2; ; n++ {
		line, err := r.ReadSlice('\n')
		if err == io.EOF && len(line) == 0 {
			flush()
			return nil
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		line = line[:len(line)-1]
		if s, ok := bytes.CutPrefix(line, []byte("S ")); ok {
			flush()
			if spec, err = parseServiceSpec(string(s)); err != nil {
				return fmt.Errorf("line %d: %w", n, err)
			}
			have = true
			continue
		}
		addr, weight, ok := bytes.Cut(line, []byte(" "))
		if !have || !ok {
			return fmt.Errorf("line %d: not a real server", n)
		}
		rs, err := parseHexAddrPort(addr)
		if err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		w, ok := parseDecimal32(weight)
		if !ok {
			return fmt.Errorf("line %d: bad weight", n)
		}
		members = append(members, member{RealServer: rs, LastWeight: uint32(w)})
	}
}

// writeState replaces the state file with the pool p, atomically: a
// concurrent run reads the old memory or the new, never a part.
func writeState(path, root, hash string, p *pool) error {
	h, err := json.Marshal(stateHeader{Program: programName, Format: stateFormat, ProcfsRoot: root, Pool: hash,
		Removed: p.removed, Weights: p.weights, RemovedServices: p.removedServices})
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.Grow(len(h) + 1 + len(p.body))
	b.Write(h)
	b.WriteByte('\n')
	b.Write(p.body)
	return statefile.WriteAtomic(path, b.Bytes())
}

// touchState marks the remembered pool, open as f, as seen whole at now.
func touchState(f *os.File, now time.Time) error {
	return statefile.Touch(f, now)
}
