package onnx

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/convscope/convscope/nn"
)

// top5 returns the indices of the five largest values, largest first.
func top5(v []float32) []int {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] > v[idx[b]] })
	return idx[:5]
}

// TestTorchvisionTop5 opens the full-size torchvision MobileNetV3-Small and
// EfficientNet-B0 that scripts/export_onnx.py writes to the bench cache
// (with BatchNorm statistics set from a seeded batch, and NAME.ref.npz:
// PyTorch's logits for a test image) and checks that the engine, with and
// without fusion, gives the same logits (within 1e-4 of the largest) and
// the same top 5. Skipped, and so not checked, where the cache is absent
// (CI): run scripts/export_onnx.py --out DIR and set CONVSCOPE_ONNX_DIR=DIR.
func TestTorchvisionTop5(t *testing.T) {
	for _, name := range []string{"mobilenet_v3_small", "efficientnet_b0"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(onnxBenchDir(), name+".onnx")
			ref := filepath.Join(onnxBenchDir(), name+".ref.npz")
			if _, err := os.Stat(ref); err != nil {
				t.Skipf("%s not found: %s NOT checked (run /usr/bin/python3 scripts/export_onnx.py --out DIR %s, set CONVSCOPE_ONNX_DIR=DIR)", ref, name, name)
			}
			refs := readNPZ(t, ref)
			want := refs["logits"].Data
			for _, fuse := range []bool{false, true} {
				im, err := func() (*importer, error) {
					m, err := ReadModelFile(path)
					if err != nil {
						return nil, err
					}
					return importModel(m, ImportOptions{FuseActivations: fuse, FoldBatchNorm: fuse})
				}()
				if err != nil {
					t.Fatal(err)
				}
				iv := im.vals["input"]
				x := &nn.Tensor{Shape: append([]int{1}, iv.nnShape...), Data: toEngine(iv, refs["input"])}
				got := im.g.Forward(x, false).Data
				if len(got) != len(want) {
					t.Fatalf("%d logits, PyTorch %d", len(got), len(want))
				}
				e := relErr(got, want)
				if e > 1e-4 || math.IsNaN(e) {
					t.Errorf("fuse %v: logits differ from PyTorch's by %.3g of the largest (> 1e-4)", fuse, e)
				}
				if g, w := top5(got), top5(want); !slices.Equal(g, w) {
					t.Errorf("fuse %v: top 5 %v, PyTorch %v", fuse, g, w)
				}
				t.Logf("fuse %v: %d nodes, top 5 %v (PyTorch %v), logits within %.2g of the largest", fuse, len(im.g.Nodes()), top5(got), top5(want), e)
			}
		})
	}
}
