package onnx

import (
	"archive/zip"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/convscope/convscope/internal/npy"
	"github.com/convscope/convscope/nn"
)

// readNPZ reads every float32 array of a NumPy .npz archive.
func readNPZ(t *testing.T, path string) map[string]*nn.Tensor {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	out := map[string]*nn.Tensor{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		shape, data, err := npy.Decode(r)
		r.Close()
		if err != nil {
			t.Fatalf("%s: %s: %v", path, f.Name, err)
		}
		out[strings.TrimSuffix(f.Name, ".npy")] = &nn.Tensor{Shape: shape, Data: data}
	}
	return out
}

// toEngine converts an ONNX-layout tensor (batch first) to the engine's
// layout for value v.
func toEngine(v *value, ref *nn.Tensor) []float32 {
	out := make([]float32, len(ref.Data))
	batch := max(ref.Shape[0], 1)
	size := len(ref.Data) / batch
	for b := range batch {
		src, dst := ref.Data[b*size:(b+1)*size], out[b*size:(b+1)*size]
		switch {
		case v.lay == nchw && len(ref.Shape) == 4:
			c, h, w := ref.Shape[1], ref.Shape[2], ref.Shape[3]
			for ci := range c {
				for y := range h {
					for x := range w {
						dst[(y*w+x)*c+ci] = src[(ci*h+y)*w+x]
					}
				}
			}
		case v.lay == flat && v.perm != nil:
			for i, p := range v.perm {
				dst[p] = src[i]
			}
		default:
			copy(dst, src)
		}
	}
	return out
}

// relErr is max |got - want| / max |want|.
func relErr(got, want []float32) float64 {
	var d, m float64
	for i := range want {
		d = math.Max(d, math.Abs(float64(got[i])-float64(want[i])))
		m = math.Max(m, math.Abs(float64(want[i])))
	}
	return d / math.Max(m, 1e-12)
}

// TestParity: every node output of the PyTorch-made fixtures within 1e-4
// (relative to the tensor's largest value) of PyTorch's.
func TestParity(t *testing.T) {
	files, _ := filepath.Glob("testdata/parity/*.onnx")
	if len(files) < 12 {
		t.Fatalf("expected 12 parity fixtures, found %d (run testdata/make_fixtures.py)", len(files))
	}
	for _, path := range files {
		for _, fuse := range []bool{false, true} {
			name := strings.TrimSuffix(filepath.Base(path), ".onnx")
			if fuse {
				name += "/fused"
			}
			t.Run(name, func(t *testing.T) { parity(t, path, fuse) })
		}
	}
}

// parity checks one fixture's every node output.
func parity(t *testing.T, path string, fuse bool) {
	m, err := ReadModelFile(path)
	if err != nil {
		t.Fatal(err)
	}
	im, err := importModel(m, ImportOptions{FuseActivations: fuse, FoldBatchNorm: fuse})
	if err != nil {
		t.Fatal(err)
	}
	refs := readNPZ(t, strings.TrimSuffix(path, ".onnx")+".npz")
	in := refs["__input__"]
	iv := im.vals[m.Graph.Inputs[0].Name]
	x := &nn.Tensor{Shape: append([]int{1}, iv.nnShape...), Data: toEngine(iv, in)}
	im.g.Forward(x, false)
	keys := make([]string, 0, len(refs))
	for k := range refs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	checked := 0
	for _, k := range keys {
		if k == "__input__" {
			continue
		}
		v := im.vals[k]
		if v == nil {
			t.Errorf("%s: no engine value", k)
			continue
		}
		if v.k != nil {
			continue // shape arithmetic, folded into a constant
		}
		if v.folded || v.activated || v.gate {
			continue // an engine node that also computes the next node
		}
		got := im.g.Output(v.node)
		want := toEngine(v, refs[k])
		if len(got.Data) != len(want) {
			t.Errorf("%s: %d values, want %d", k, len(got.Data), len(want))
			continue
		}
		if e := relErr(got.Data, want); e > 1e-4 || math.IsNaN(e) {
			t.Errorf("%s (engine node %s): relative error %.3g > 1e-4", k, v.node, e)
		}
		checked++
	}
	if fuse { // no BatchNormalization or ReLU left reading a convolution alone
		kind, readers := map[string]string{}, map[string]int{}
		for _, n := range im.g.Nodes() {
			kind[n.Name] = n.Kind
			for _, in := range n.Inputs {
				readers[in]++
			}
		}
		for _, n := range im.g.Nodes() {
			if in := n.Inputs[0]; (n.Kind == "BatchNormalization" || n.Kind == "ReLU") && kind[in] == "Conv2D" && readers[in] == 1 {
				t.Errorf("node %s (%s) was not folded into its convolution", n.Name, n.Kind)
			}
		}
	}
	if checked < 5 {
		t.Errorf("only %d node outputs compared", checked)
	}
	t.Logf("%d node outputs within 1e-4", checked)
}

// TestFixturesSmall keeps the committed test data under the 2 MB.
func TestFixturesSmall(t *testing.T) {
	var total int64
	filepath.Walk("testdata", func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			total += info.Size()
		}
		return nil
	})
	if total >= 2<<20 {
		t.Errorf("testdata holds %d bytes, want < 2 MiB", total)
	}
}
