package nn

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time the process has used, on all its threads.
// Benchmarks report CPU time per op next to wall time, so that figures stay
// meaningful on a machine shared with other work.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
