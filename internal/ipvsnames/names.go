package ipvsnames

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// Names maps services to the names of a service-names file. The zero
// value and nil name nothing.
type Names struct {
	byID map[procnet.IPVSServiceID]entry
}

type entry struct {
	name, key string
	line      int
}

// maxNameRunes bounds a name: it is a part of every key of its service
// and of check messages the agent cuts at 1,024 runes.
const maxNameRunes = 64

// Load reads the service-names file at path (see Parse).
func Load(path string) (*Names, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Parse(f, path)
}

// Parse reads a service-names file, file naming it in errors. One
// service a line, its name first:
//
//	# NAME   SERVICE
//	web      TCP:10.0.0.4:80
//	web6     TCP:[2001:db8::4]:443
//	mail     FWM:7
//	mail6    FWM6:7
//
// SERVICE is the notation of ParseService (IPv6 in brackets). '#' starts
// a comment; blank lines are skipped. NAME is one word of up to 64
// characters without '#'; in metric keys every character outside
// [-a-zA-Z0-9_] becomes '_'. Two lines naming one service, or two names
// with one key, are an error naming both lines.
func Parse(r io.Reader, file string) (*Names, error) {
	n := &Names{byID: map[procnet.IPVSServiceID]entry{}}
	byKey := map[string]int{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(text)
		if len(f) == 0 {
			continue
		}
		where := fmt.Sprintf("%s:%d", file, line)
		if len(f) != 2 {
			return nil, fmt.Errorf("%s: want NAME SERVICE (such as web TCP:10.0.0.4:80), got %d fields", where, len(f))
		}
		name := f[0]
		if !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl) || utf8.RuneCountInString(name) > maxNameRunes {
			return nil, fmt.Errorf("%s: name %q: want up to %d printable characters", where, name, maxNameRunes)
		}
		id, err := ParseService(f[1])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if prev, dup := n.byID[id]; dup {
			return nil, fmt.Errorf("%s: %s is named on line %d already (%q, then %q)", where, id, prev.line, prev.name, name)
		}
		key := KeyOf(name)
		if p, ok := idLike(key); ok {
			return nil, fmt.Errorf("%s: name %q begins as the key of an unnamed %s service does (%s_): choose another", where, name, p, p)
		}
		if prev, dup := byKey[key]; dup {
			return nil, fmt.Errorf("%s: name %q has the key %s of line %d's: two services under one name", where, name, key, prev)
		}
		byKey[key] = line
		n.byID[id] = entry{name: name, key: key, line: line}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s:%d: line too long", file, line+1)
		}
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return n, nil
}

// KeyOf is a name as a part of a Mackerel metric key: every character
// outside [-a-zA-Z0-9_] becomes '_'.
func KeyOf(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, name)
}

// idPrefixes are the protocols an address key begins with.
var idPrefixes = append(procnet.IPVSProtocols(), protoFWM6, "IP")

// idLike reports whether key begins as a service's address key does,
// PROTO_ (TCP_10_0_0_4_80, FWM6_7), in any case, and with which protocol.
func idLike(key string) (string, bool) {
	for _, p := range idPrefixes {
		if len(key) > len(p) && strings.EqualFold(key[:len(p)], p) && key[len(p)] == '_' {
			return p, true
		}
	}
	return "", false
}

// Name is the name of the service id, as written in the file.
func (n *Names) Name(id procnet.IPVSServiceID) (string, bool) {
	if n == nil {
		return "", false
	}
	e, ok := n.byID[id]
	return e.name, ok
}

// Key is the name of the service id as a part of a metric key (KeyOf).
func (n *Names) Key(id procnet.IPVSServiceID) (string, bool) {
	if n == nil {
		return "", false
	}
	e, ok := n.byID[id]
	return e.key, ok
}

// Label is how a check message names the service id: "web (TCP
// 10.0.0.4:80)" when it has a name, else "TCP 10.0.0.4:80".
func (n *Names) Label(id procnet.IPVSServiceID) string {
	if name, ok := n.Name(id); ok {
		return name + " (" + id.String() + ")"
	}
	return id.String()
}

// Refuse returns an error naming the file's line when a name's key is one
// of words: keys a binary prints beside its services' (the ip_vs plugin's
// "other", "stats"...).
func (n *Names) Refuse(file string, words ...string) error {
	if n == nil {
		return nil
	}
	var first *entry
	var firstID procnet.IPVSServiceID
	for id, e := range n.byID {
		if slices.Contains(words, e.key) && (first == nil || e.line < first.line) {
			first, firstID = &e, id
		}
	}
	if first != nil {
		return fmt.Errorf("%s:%d: name %q of %s is the key %q, which the plugin prints for itself: choose another", file, first.line, first.name, firstID, first.key)
	}
	return nil
}

// Len is the number of services named.
func (n *Names) Len() int {
	if n == nil {
		return 0
	}
	return len(n.byID)
}
