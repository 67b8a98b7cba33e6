package metricout

import (
	"errors"
	"flag"
	"fmt"

	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// SourceFlags are -target and -source, the flags of a plugin that reads a
// file of the 2019 plugin (-target) or the kernel's netlink (-source).
type SourceFlags struct {
	// Target is the path of the file to read instead of the one below the
	// procfs root; empty means that one.
	Target string
	// Source is -source parsed by Validate.
	Source procnet.Source
	source string
}

// Register adds -target and -source to fs.
func (s *SourceFlags) Register(fs *flag.FlagSet, targetUsage, sourceUsage string) {
	fs.StringVar(&s.Target, "target", "", targetUsage)
	fs.StringVar(&s.source, "source", "auto", sourceUsage)
}

// Validate parses -source; -target, a file, cannot go with -source netlink
// nor with -netns.
func (s *SourceFlags) Validate(o *Options) error {
	if s.Target != "" && o.NetNS != "" {
		return errors.New("-target names a file: it cannot be read with -netns")
	}
	src, err := procnet.ParseSource(s.source)
	if err != nil {
		return fmt.Errorf("-source %q: want auto, netlink or procfs", s.source)
	}
	if src == procnet.SourceNetlink && s.Target != "" {
		return errors.New("-target names a file: it cannot be read with -source netlink")
	}
	s.Source = src
	return nil
}
