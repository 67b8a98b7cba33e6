//go:build e2e && linux

// Package realkernel runs the plugins against real IPVS kernels: Debian's
// own kernels under QEMU with several CPUs (see internal/harness/kernel),
// configured by the real ipvsadm and keepalived. Every case compares the
// binaries with ipvsadm, which reads the kernel over netlink and so is an
// independent oracle for what net/ip_vs shows.
package realkernel
