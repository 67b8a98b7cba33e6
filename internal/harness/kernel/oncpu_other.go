//go:build !linux

package kernel

import "errors"

// OnCPU needs Linux, as the kernels this package boots do.
func OnCPU(int, func() error) error { return errors.New("pinning to a CPU needs Linux") }
