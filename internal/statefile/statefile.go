// Package statefile writes the small state files of the plugins atomically
// and chooses their default location.
package statefile

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// WriteAtomic replaces path with data: it writes a temporary file in the
// same directory, syncs it and renames it over path, so a reader (or a
// concurrent run) sees either the old content or the new, never a part.
func WriteAtomic(path string, data []byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("state file %s: %w", path, err)
	}
	name := tmp.Name()
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(name, path)
	}
	if werr != nil {
		os.Remove(name)
		return fmt.Errorf("state file %s: %w", path, werr)
	}
	return nil
}

// Dir is where state files go by default: $MACKEREL_PLUGIN_WORKDIR when
// set, else the OS temp dir, as the agent's own helpers do.
func Dir() string {
	if d := os.Getenv("MACKEREL_PLUGIN_WORKDIR"); d != "" {
		return d
	}
	return os.TempDir()
}

// DefaultPath returns a state file path under Dir() that is distinct for
// each program, set of arguments and network namespace: host and
// containers often share one temp dir, and two plugin entries with other
// arguments must not share a state.
func DefaultPath(program string, args []string) string {
	return DefaultPathIn(program, args, "")
}

// DefaultPathIn is DefaultPath for a binary that reads the tables of the
// network namespace netnsID ("net:[INODE]", procnet.NetNS.ID), not of its
// own; "" means its own.
func DefaultPathIn(program string, args []string, netnsID string) string {
	if netnsID == "" {
		netnsID = ownNetnsID()
	}
	h := sha256.New()
	h.Write([]byte(netnsID))
	for _, a := range args {
		h.Write([]byte{0})
		h.Write([]byte(a))
	}
	sum := hex.EncodeToString(h.Sum(nil))[:16]
	return filepath.Join(Dir(), fmt.Sprintf("%s-%s.json", sanitize(program), sum))
}

// ownNetnsID names the network namespace of this process, such as
// "net:[4026531840]", or "" when it cannot be read.
func ownNetnsID() string {
	id, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		return ""
	}
	return id
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == os.PathSeparator || r < ' ' {
			return '_'
		}
		return r
	}, filepath.Base(s))
}
