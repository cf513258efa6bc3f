//go:build !linux

package sgemm

import "time"

// cpuTime is not available on this platform; benchmarks then report
// wall-clock GFLOP/s only.
func cpuTime() time.Duration { return 0 }
