//go:build unix

package testutil

import (
	"syscall"
	"time"
)

// CPUTime returns the CPU time the process has used on all its threads
// (user + system): benchmarks report it next to wall time, which a shared
// machine inflates. It is 0 where getrusage fails.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
