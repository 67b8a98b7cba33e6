package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// launchArg, as the first argument, makes e2ebench a launcher: it runs
// the rest of its arguments as a command, with its own stdin, stdout and
// stderr, and writes a measurement as JSON to file descriptor 3.
//
// The launcher is there for the peak RSS. Go starts a child with
// vfork semantics, and the kernel records the parent's memory high-water
// mark as the child's ru_maxrss when the child execs; a child of the
// benchmark process itself would report that process's RSS. A fresh
// launcher is small, so its RSS (what the `cat` rows show) is the floor
// of every figure, and the wall time it measures leaves out its own
// start.
const launchArg = "-launch-and-measure"

type measurement struct {
	Wall, User, Sys time.Duration
	MaxRSS          int64 // KiB
	Exit            int
}

func launch(argv []string) {
	report := os.NewFile(3, "report")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if cmd.ProcessState == nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	json.NewEncoder(report).Encode(measurement{
		Wall: wall, User: time.Duration(ru.Utime.Nano()), Sys: time.Duration(ru.Stime.Nano()),
		MaxRSS: ru.Maxrss, Exit: cmd.ProcessState.ExitCode(),
	})
	os.Exit(0)
}
