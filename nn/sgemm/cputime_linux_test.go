package sgemm

import (
	"syscall"
	"time"
)

// threadCPUTime returns the CPU time the calling OS thread has used. The
// benchmarks lock their goroutine to a thread and divide by this, so that
// GFLOP/s stay meaningful on a machine shared with other work.
func threadCPUTime() time.Duration {
	const rusageThread = 1 // RUSAGE_THREAD
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
