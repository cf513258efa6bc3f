package nn

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// forEachGraphFile runs fn as a sub-benchmark, named after the file, for
// each graph file (*.safetensors, made by internal/onnx's
// TestSaveImportedGraphs) in CONVSCOPE_GRAPH_DIR; GRAPH_MODEL=name picks
// one. Without CONVSCOPE_GRAPH_DIR the benchmark is skipped.
func forEachGraphFile(b *testing.B, fn func(b *testing.B, path string)) {
	dir := os.Getenv("CONVSCOPE_GRAPH_DIR")
	if dir == "" {
		b.Skip("set CONVSCOPE_GRAPH_DIR to a folder of graph .safetensors files")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.safetensors"))
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".safetensors")
		if m := os.Getenv("GRAPH_MODEL"); m != "" && m != name {
			continue
		}
		b.Run(name, func(b *testing.B) { fn(b, f) })
	}
}

// loadBenchGraph loads the graph file at path with an inference engine
// (PackWeights on, GRAPH_WORKERS workers when set) and returns it, that
// engine, and one image of uniform noise in [-1, 1) for its input.
func loadBenchGraph(b *testing.B, path string) (*Graph, Engine, *Tensor) {
	g, _, err := LoadGraphFile(path)
	if err != nil {
		b.Fatal(err)
	}
	e := Engine{PackWeights: true}
	if w := os.Getenv("GRAPH_WORKERS"); w != "" {
		fmt.Sscan(w, &e.Workers)
	}
	g.SetEngine(e)
	x := NewTensor(append([]int{1}, g.InputShape()...)...)
	fillUniform(x.Data, 1, rand.New(rand.NewSource(1)))
	return g, e, x
}
