//go:build !linux

package nn

import "time"

// cpuTime is not available on this platform; benchmarks then report wall
// time only.
func cpuTime() time.Duration { return 0 }
