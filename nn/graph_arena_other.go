//go:build !linux

package nn

// adviseHuge does nothing outside Linux (graph_arena.go).
func adviseHuge([]float32) {}
