//go:build tools

// Package tools pins mkr for the installation test, which builds it from
// this module.
package tools

import _ "github.com/mackerelio/mkr"
