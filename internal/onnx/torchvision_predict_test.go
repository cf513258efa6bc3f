package onnx

import (
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/convscope/convscope/nn"
)

// TestTorchvisionPredict opens the full-size torchvision SqueezeNet 1.1 and
// MobileNetV2 of the bench cache (scripts/export_onnx.py), as
// BenchmarkImportedInference imports them (BatchNorm folded, activations
// fused, packed weights), on one and two workers, and checks that
// Graph.Predict — reused buffers, Concatenate inputs written in place,
// residual Adds computed by their projections — gives bit for bit the
// logits of Graph.Forward, which keeps every node's output. Skipped, and so
// not checked, where the cache is absent (CI): set CONVSCOPE_ONNX_DIR.
func TestTorchvisionPredict(t *testing.T) {
	for _, name := range []string{"squeezenet1_1", "mobilenet_v2"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(onnxBenchDir(), name+".onnx")
			if _, err := os.Stat(path); err != nil {
				t.Skipf("%s not found: %s NOT checked (run /usr/bin/python3 scripts/export_onnx.py --out DIR, set CONVSCOPE_ONNX_DIR=DIR)", path, name)
			}
			m, err := ReadModelFile(path)
			if err != nil {
				t.Fatal(err)
			}
			im, err := importModel(m, ImportOptions{FuseActivations: true, FoldBatchNorm: true})
			if err != nil {
				t.Fatal(err)
			}
			g := im.g
			x := nn.NewTensor(append([]int{1}, g.InputShape()...)...)
			rng := rand.New(rand.NewSource(5))
			for i := range x.Data {
				x.Data[i] = float32(rng.NormFloat64())
			}
			for _, w := range []int{1, 2} {
				g.SetEngine(nn.Engine{PackWeights: true, Workers: w})
				want := g.Forward(x, false).Clone()
				for round := 0; round < 2; round++ {
					got := g.Predict(x)
					for i, v := range got.Data {
						if math.Float32bits(v) != math.Float32bits(want.Data[i]) {
							t.Fatalf("workers %d: logit %d: Predict %v, Forward %v", w, i, v, want.Data[i])
						}
					}
				}
			}
		})
	}
}
