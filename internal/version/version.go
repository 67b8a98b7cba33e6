// Package version holds the version stamped into every binary at build
// time with -ldflags "-X .../internal/version.Version=v1.2.3".
package version

// Version is "dev" in builds that were not stamped.
var Version = "dev"
