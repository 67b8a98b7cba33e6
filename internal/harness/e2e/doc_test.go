// Package e2e runs the built plugins as users do. Without a build tag it
// holds the quick binary tests (damaged inputs, unreadable files, state
// files). With `-tags e2e` it also runs them through the real
// mackerel-agent, installs them with the real mkr and the packages, and
// from a cron script; the agent and mkr are built from the pinned modules
// under internal/devtools/tools/ and cached under .cache/tools/.
package e2e
