//go:build !amd64 || purego

package sgemm

// best is the fastest micro-kernel this platform supports.
var best = goKernel

// kernels lists every micro-kernel this platform can run, fastest first.
func kernels() []kernel { return []kernel{goKernel} }
