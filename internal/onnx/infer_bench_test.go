package onnx

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/convscope/convscope/nn"
)

// onnxBenchDir is where scripts/export_onnx.py writes the torchvision
// models (resnet18.onnx, mobilenet_v2.onnx, squeezenet1_1.onnx,
// mobilenet_v3_small.onnx, efficientnet_b0.onnx), relative
// to this package; CONVSCOPE_ONNX_DIR overrides it.
func onnxBenchDir() string {
	if d := os.Getenv("CONVSCOPE_ONNX_DIR"); d != "" {
		return d
	}
	return filepath.Join("..", "..", ".cache", "bench", "onnx")
}

// BenchmarkImportedInference times single-image (batch 1) inference of
// the torchvision models exported by scripts/export_onnx.py, imported with
// BatchNorm folded and activations fused (as ONNX Runtime's graph
// optimiser does), the figures issues #12 and #19 compare with PyTorch and
// ONNX Runtime, with and without nn.Engine.PackWeights. "forward" is Graph.Forward (which keeps every node's
// output), "activations" Graph.Activations (every node's output returned
// for the grid), "predict" Graph.Predict (the plain forward: only the
// outputs kept, the other nodes in reused buffers). Each reports cpu-ms/op
// (CPU time per image on all threads, the steady figure on a shared
// machine) and median-ms, the median wall time of the single images, the
// statistic scripts/bench_ort.js and scripts/bench_torch.py report for
// ONNX Runtime and PyTorch (a mean would let one descheduled image on a
// shared VM move the comparison). A model whose file is absent is skipped.
func BenchmarkImportedInference(b *testing.B) {
	for _, name := range []string{"resnet18", "mobilenet_v2", "squeezenet1_1", "mobilenet_v3_small", "efficientnet_b0"} {
		b.Run(name, func(b *testing.B) {
			path := filepath.Join(onnxBenchDir(), name+".onnx")
			if _, err := os.Stat(path); err != nil {
				b.Skipf("%s not found (run scripts/bench.sh --install, or set CONVSCOPE_ONNX_DIR)", path)
			}
			g, _, err := Load(path, Options{ImportOptions: ImportOptions{FuseActivations: true, FoldBatchNorm: true}})
			if err != nil {
				b.Fatal(err)
			}
			x := nn.NewTensor(append([]int{1}, g.InputShape()...)...)
			rng := rand.New(rand.NewSource(1))
			for i := range x.Data {
				x.Data[i] = rng.Float32()*2 - 1
			}
			for _, pack := range []bool{false, true} {
				g.SetEngine(nn.Engine{PackWeights: pack})
				for _, mode := range []string{"forward", "activations", "predict"} {
					b.Run(fmt.Sprintf("pack=%v/%s", pack, mode), func(b *testing.B) {
						run := func() { g.Forward(x, false) }
						switch mode {
						case "activations":
							run = func() { g.Activations(x) }
						case "predict":
							run = func() { g.Predict(x) }
						}
						run()
						times := make([]time.Duration, 0, b.N)
						b.ReportAllocs()
						b.ResetTimer()
						c0 := cpuTime()
						for range b.N {
							t0 := time.Now()
							run()
							times = append(times, time.Since(t0))
						}
						b.ReportMetric(float64(cpuTime()-c0)/1e6/float64(b.N), "cpu-ms/op")
						b.ReportMetric(medianMs(times), "median-ms")
					})
				}
			}
		})
	}
}

// medianMs is the median of times in milliseconds (the mean of the two
// middle values for an even count; 0 for none). It sorts times.
func medianMs(times []time.Duration) float64 {
	n := len(times)
	if n == 0 {
		return 0
	}
	slices.Sort(times)
	m := times[n/2]
	if n%2 == 0 {
		m = (times[n/2-1] + times[n/2]) / 2
	}
	return float64(m) / 1e6
}
