//go:build tools

// Package tools pins mackerel-agent for the end-to-end tests, which build
// it from this module: the module proxy serves mackerelio modules only at
// exact versions named in a go.mod.
package tools

import _ "github.com/mackerelio/mackerel-agent"
