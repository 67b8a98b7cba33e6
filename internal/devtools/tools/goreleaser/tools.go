//go:build tools

// Package tools pins goreleaser (with nfpm) for `make dist`, which builds
// it from this module.
package tools

import _ "github.com/goreleaser/goreleaser/v2"
