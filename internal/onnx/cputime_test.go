package onnx

import "github.com/convscope/convscope/internal/testutil"

// cpuTime is the process's CPU time (testutil.CPUTime), which benchmarks
// report next to wall time.
var cpuTime = testutil.CPUTime
