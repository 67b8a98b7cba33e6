package metricout

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"

	"github.com/procnet/mackerel-plugin-proc-net/internal/statefile"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// Options are the flags every metric plugin takes.
type Options struct {
	Prefix string
	// LabelPrefix is -metric-label-prefix: put before every graph title
	// (with a space), so that two sections of one host (the host and
	// -netns ingress_sbox) show titles that tell them apart. "" keeps
	// the titles as they are.
	LabelPrefix string
	Tempfile    string
	ProcfsRoot  string
	// NetNS is -netns: a name from `ip netns` or a path to a network
	// namespace file; "" reads the plugin's own namespace.
	NetNS   string
	Version bool
	// NetNSForeignUserNS is -netns-foreign-userns: read a namespace owned
	// by another user namespace than the plugin's own.
	NetNSForeignUserNS bool

	// fs is the procfs root in NetNS, set by OpenFS.
	fs procnet.FS
}

// Register adds -metric-key-prefix, -metric-label-prefix, -tempfile, -procfs-root, -netns,
// -netns-foreign-userns and -version to fs. The standard flag package
// takes both -name and --name.
func (o *Options) Register(fs *flag.FlagSet, defaultPrefix string) {
	fs.StringVar(&o.Prefix, "metric-key-prefix", defaultPrefix, "metric key prefix")
	fs.StringVar(&o.LabelPrefix, "metric-label-prefix", "", "put `TEXT` and a space before every graph title, e.g. \"ingress_sbox\" for a -netns section (default: titles unchanged)")
	fs.StringVar(&o.Tempfile, "tempfile", "", "state file for rates (default: one per arguments and network namespace in a directory of this user's own under $MACKEREL_PLUGIN_WORKDIR, else /var/tmp/mackerel-agent where it exists, else the temp dir)")
	fs.StringVar(&o.ProcfsRoot, "procfs-root", "", "procfs root (default $HOST_PROC, else /proc)")
	fs.Var((*netnsFlag)(&o.NetNS), "netns", "read the tables of the network namespace `NAME|PATH`: a name from ip netns (in /var/run/netns) or a path such as /var/run/docker/netns/ingress_sbox or /proc/PID/ns/net (needs root)")
	fs.BoolVar(&o.NetNSForeignUserNS, "netns-foreign-userns", false, "read a -netns namespace even when a user namespace other than this process's own owns it (any user can make one: unshare -Urn); by default such a namespace is refused")
	fs.BoolVar(&o.Version, "version", false, "print the version and exit")
}

var metricNamePattern = regexp.MustCompile(`^[-a-zA-Z0-9_]+(\.[-a-zA-Z0-9_]+)*$`)

// Validate checks what the flag package cannot.
func (o *Options) Validate() error {
	if !metricNamePattern.MatchString(o.Prefix) {
		return fmt.Errorf("invalid -metric-key-prefix %q: use letters, digits, '-', '_' and single dots", o.Prefix)
	}
	if strings.ContainsFunc(o.LabelPrefix, unicode.IsControl) {
		return fmt.Errorf("invalid -metric-label-prefix %q: no control characters", o.LabelPrefix)
	}
	return nil
}

// OpenFS opens the namespace of -netns, if any, and makes the procfs
// root the plugin reads (FS). The error names the namespace.
func (o *Options) OpenFS() error {
	fs, err := procnet.OpenFSWith(o.ProcfsRoot, o.NetNS, procnet.NetNSOptions{ForeignUserNS: o.NetNSForeignUserNS})
	if err != nil {
		return err
	}
	o.fs = fs
	return nil
}

// netnsFlag is -netns: a namespace, never "", which would read the
// plugin's own namespace whatever was meant.
type netnsFlag string

func (n *netnsFlag) String() string { return string(*n) }

func (n *netnsFlag) Set(s string) error {
	if s == "" {
		return errors.New("want a name from ip netns or a path such as /proc/PID/ns/net, not ''")
	}
	*n = netnsFlag(s)
	return nil
}

// FS is the procfs root to read, in the namespace of -netns; OpenFS
// makes it. Before OpenFS it is the root in the plugin's own namespace.
func (o *Options) FS() procnet.FS {
	if o.fs.Root() == "" {
		return procnet.NewFS(o.ProcfsRoot)
	}
	return o.fs
}

// StatePath is -tempfile, or a path distinct per program, arguments and
// network namespace: the one of -netns when given.
func (o *Options) StatePath(program string, args []string) string {
	if o.Tempfile != "" {
		return o.Tempfile
	}
	return statefile.DefaultPathIn(program, args, o.FS().NetNS().ID())
}

// Parse parses args into fs. It returns (false, 0) when the program
// should go on, or (true, exit code) when it has already answered: usage
// on stdout for -h (exit 0), or a one-line error on stderr (exit 2).
func Parse(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (done bool, code int) {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fmt.Fprintf(stdout, "Usage of %s:\n", fs.Name())
		fs.PrintDefaults()
		return true, 0
	}
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v (see -h)\n", fs.Name(), err)
		return true, 2
	}
	return false, 0
}
