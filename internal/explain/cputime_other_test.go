//go:build !unix

package explain

func cpuTime() float64 { return 0 }
