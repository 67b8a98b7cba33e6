// Package e2e runs the built plugins through the real mackerel-agent and
// installs them the way users do. The agent and mkr are built from the
// pinned modules under internal/tools/ and cached under .cache/tools/.
package e2e
