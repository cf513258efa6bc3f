package explain

import "github.com/convscope/convscope/internal/testutil"

// cpuTime returns the process's user+system CPU time in seconds.
func cpuTime() float64 { return testutil.CPUTime().Seconds() }
