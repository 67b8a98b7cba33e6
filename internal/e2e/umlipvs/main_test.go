//go:build e2e

// Package umlipvs runs the plugins against a real IPVS kernel: user-mode
// Linux configured by the real ipvsadm and keepalived (see internal/uml).
// Every case compares the binaries with ipvsadm, which reads the kernel
// over netlink and so is an independent oracle for what net/ip_vs shows.
package umlipvs
