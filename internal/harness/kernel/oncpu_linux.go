package kernel

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// OnCPU runs f on a thread pinned to cpu, as `taskset -c cpu` would run
// a process: IPVS counts a new connection on the CPU that sends its first
// packet. The thread is never handed back to the Go scheduler with its
// affinity changed: it ends with f's goroutine.
func OnCPU(cpu int, f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // not unlocked: the thread exits with the goroutine
		var set unix.CPUSet
		set.Set(cpu)
		if err := unix.SchedSetaffinity(0, &set); err != nil {
			errc <- fmt.Errorf("pinning to CPU %d: %w", cpu, err)
			return
		}
		errc <- f()
	}()
	return <-errc
}
