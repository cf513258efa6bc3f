package nn

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestMultiplySiLUGradients(t *testing.T) {
	for _, c := range []layerCase{
		{name: "MultiplySame", layer: func() LayerBase { return NewMultiply() }, in: [][]int{{3, 4, 5}, {3, 4, 5}}, batch: 2},
		{name: "MultiplySE", layer: func() LayerBase { return NewMultiply() }, in: [][]int{{3, 4, 5}, {1, 1, 5}}, batch: 2},
		{name: "MultiplySEFirst", layer: func() LayerBase { return NewMultiply() }, in: [][]int{{1, 1, 3}, {2, 2, 3}}, batch: 3},
		{name: "MultiplyThree", layer: func() LayerBase { return NewMultiply() }, in: [][]int{{1, 1, 4}, {2, 3, 4}, {2, 3, 4}}, batch: 2},
		{name: "MultiplyVectors", layer: func() LayerBase { return NewMultiply() }, in: [][]int{{6}, {6}}, batch: 3},
		// 300 channels: two blocks of broadcast sums (sumBlock 256).
		{name: "MultiplyWide", layer: func() LayerBase { return NewMultiply() }, in: [][]int{{2, 1, 300}, {1, 1, 300}}, batch: 2},
		{name: "SiLU", layer: func() LayerBase { return NewSiLU() }, in: [][]int{{4, 5, 3}}, batch: 2, prep: scaleInputs(6)},
	} {
		t.Run(c.name, func(t *testing.T) { checkLayerCase(t, c) })
	}
}

func TestMultiplyShapes(t *testing.T) {
	for _, tc := range []struct {
		in   [][]int
		out  []int
		want string // error substring; "" for success
	}{
		{[][]int{{4, 4, 8}, {4, 4, 8}}, []int{4, 4, 8}, ""},
		{[][]int{{4, 4, 8}, {1, 1, 8}}, []int{4, 4, 8}, ""},
		{[][]int{{1, 1, 8}, {4, 4, 8}}, []int{4, 4, 8}, ""},
		{[][]int{{1, 1, 8}, {1, 1, 8}}, []int{1, 1, 8}, ""},
		{[][]int{{4, 4, 8}}, nil, "expected at least 2 inputs, received 1"},
		{[][]int{{4, 4, 8}, {1, 1, 4}}, nil, "input 2: expected shape (4, 4, 8) or (1, 1, 8) (one value per channel, broadcast), received (1, 1, 4)"},
		{[][]int{{4, 4, 8}, {4, 1, 8}}, nil, "received (4, 1, 8)"},
		{[][]int{{4, 4, 8}, {8}}, nil, "received (8,)"},
		{[][]int{{4, 4, 8}, {4, 4, 1}}, nil, "input 2: expected shape (4, 4, 8) or (1, 1, 8)"},
		{[][]int{{4, 4, 8}, {2, 8, 8}}, nil, "input 2"},
	} {
		out, err := NewMultiply().BuildMerge(tc.in)
		if tc.want == "" {
			if err != nil || !slices.Equal(out, tc.out) {
				t.Errorf("BuildMerge(%v) = %v, %v; expected %v", tc.in, out, err, tc.out)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("BuildMerge(%v): %v, expected %q", tc.in, err, tc.want)
		}
	}
	if _, err := NewMultiply(WithStrides(2, 2)).BuildMerge([][]int{{2}, {2}}); err == nil {
		t.Error("Multiply took WithStrides")
	}
	if _, err := NewSiLU(WithUseBias(false)).Build([]int{2}); err == nil {
		t.Error("SiLU took WithUseBias")
	}
}

// multiplyRef is testdata/torch/multiply.json.
type multiplyRef struct {
	SE      map[string]torchTensor `json:"multiply_se"`
	Same    map[string]torchTensor `json:"multiply_same"`
	SiLU    map[string]torchTensor `json:"silu"`
	SEBlock struct {
		Input     torchTensor            `json:"input"`
		R         torchTensor            `json:"r"`
		Weights   map[string]torchTensor `json:"weights"`
		Outputs   map[string]torchTensor `json:"outputs"`
		InputGrad torchTensor            `json:"input_grad"`
		Grads     map[string]torchTensor `json:"grads"`
	} `json:"se_block"`
}

func readMultiplyRef(t *testing.T) multiplyRef {
	t.Helper()
	raw, err := os.ReadFile("testdata/torch/multiply.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref multiplyRef
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

func (tt torchTensor) tensor() *Tensor {
	x := NewTensor(tt.Shape...)
	for i, v := range tt.Data {
		x.Data[i] = float32(v)
	}
	return x
}

// closeToTorch reports the first value of got farther than tol·max|want|
// from PyTorch's (shapes must agree).
func closeToTorch(t *testing.T, what string, got []float32, gotShape []int, want torchTensor, tol float64) {
	t.Helper()
	if !slices.Equal(gotShape, want.Shape) || len(got) != len(want.Data) {
		t.Errorf("%s: shape %v, PyTorch %v", what, gotShape, want.Shape)
		return
	}
	scale := 0.0
	for _, v := range want.Data {
		scale = math.Max(scale, math.Abs(v))
	}
	for i, v := range want.Data {
		if d := math.Abs(float64(got[i]) - v); d > tol*scale || math.IsNaN(float64(got[i])) {
			t.Errorf("%s[%d] = %g, PyTorch %g (|diff| %.2g of max %.3g)", what, i, got[i], v, d/scale, scale)
			return
		}
	}
}

// TestMultiplySiLUTorch compares Multiply's and SiLU's outputs and input
// gradients with PyTorch autograd's (testdata/torch/make_multiply.py).
func TestMultiplySiLUTorch(t *testing.T) {
	ref := readMultiplyRef(t)
	for _, tc := range []struct {
		name  string
		r     map[string]torchTensor
		other string
	}{{"SE", ref.SE, "s"}, {"Same", ref.Same, "b"}} {
		m := NewMultiply()
		a, b, dy := tc.r["a"].tensor(), tc.r[tc.other].tensor(), tc.r["dy"].tensor()
		if _, err := m.BuildMerge([][]int{a.Shape[1:], b.Shape[1:]}); err != nil {
			t.Fatal(err)
		}
		y := NewTensor(a.Shape...)
		m.ForwardMerge(y, []*Tensor{a, b}, false)
		closeToTorch(t, tc.name+" y", y.Data, y.Shape, tc.r["y"], 1e-6)
		da, db := NewTensor(a.Shape...), NewTensor(b.Shape...)
		m.BackwardMerge([]*Tensor{da, db}, dy, []*Tensor{a, b}, y)
		closeToTorch(t, tc.name+" da", da.Data, da.Shape, tc.r["da"], 1e-6)
		closeToTorch(t, tc.name+" d"+tc.other, db.Data, db.Shape, tc.r["d"+tc.other], 1e-6)
	}
	s := NewSiLU()
	x, dy := ref.SiLU["x"].tensor(), ref.SiLU["dy"].tensor()
	if _, err := s.Build(x.Shape[1:]); err != nil {
		t.Fatal(err)
	}
	y, dx := NewTensor(x.Shape...), NewTensor(x.Shape...)
	s.Forward(y, x, false)
	s.Backward(dx, dy, x, y)
	closeToTorch(t, "SiLU y", y.Data, y.Shape, ref.SiLU["y"], 1e-6)
	closeToTorch(t, "SiLU dx", dx.Data, dx.Shape, ref.SiLU["dx"], 1e-6)
}

// seBlock builds the squeeze-excitation network of make_multiply.py.
func seBlock(t testing.TB) *Graph {
	g := NewGraph([]int{6, 6, 4})
	add := func(l LayerBase, in ...string) string {
		name, err := g.Add(l, in...)
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	h := add(NewSiLU(WithName("silu")), add(NewConv2D(8, 3, 3, WithName("conv"), WithPads(1, 1, 1, 1)), GraphInput))
	s := add(NewGlobalAveragePooling2D(WithName("squeeze")), h)
	s = add(NewReshape([]int{1, 1, 8}, WithName("squeeze_reshape")), s)
	s = add(NewReLU(0, 0, 0, WithName("fc1_relu")), add(NewConv2D(2, 1, 1, WithName("fc1")), s))
	s = add(NewHardSigmoid(1.0/6, 0.5, WithName("gate")), add(NewConv2D(8, 1, 1, WithName("fc2")), s))
	h = add(NewHardSwish(WithName("hswish")), add(NewMultiply(WithName("excite")), h, s))
	add(NewDense(3, WithName("dense")), add(NewGlobalAveragePooling2D(WithName("pool")), h))
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	return g
}

// TestSEBlockTorch runs a squeeze-excitation block forward and backward
// and compares every node's output, the input gradient and every weight
// gradient with PyTorch's.
func TestSEBlockTorch(t *testing.T) {
	ref := readMultiplyRef(t).SEBlock
	g := seBlock(t)
	if len(ref.Weights) != len(g.Weights()) {
		t.Fatalf("%d reference weights, the graph has %d", len(ref.Weights), len(g.Weights()))
	}
	for _, p := range g.Weights() {
		w, ok := ref.Weights[p.Name]
		if !ok || !slices.Equal(w.Shape, p.Shape) {
			t.Fatalf("%s %v: reference %v", p.Name, p.Shape, w.Shape)
		}
		copy(p.Value, w.tensor().Data)
	}
	x := ref.Input.tensor()
	y := g.Forward(x, false)
	checked := 0
	for _, n := range g.Nodes() {
		if want, ok := ref.Outputs[n.Name]; ok {
			got := g.Output(n.Name)
			closeToTorch(t, n.Name, got.Data, got.Shape, want, 1e-5)
			checked++
		}
	}
	if checked != len(ref.Outputs) {
		t.Errorf("compared %d of %d outputs", checked, len(ref.Outputs))
	}
	r := ref.R.tensor()
	if !slices.Equal(r.Shape, y.Shape) {
		t.Fatalf("output %v, r %v", y.Shape, r.Shape)
	}
	if err := g.BackwardWith(BackwardOptions{InputGrad: true}, r); err != nil {
		t.Fatal(err)
	}
	dx := g.Grad(GraphInput)
	closeToTorch(t, "input gradient", dx.Data, dx.Shape, ref.InputGrad, 1e-5)
	for _, p := range g.Params() {
		closeToTorch(t, p.Name+" gradient", p.Grad, p.Shape, ref.Grads[p.Name], 1e-5)
	}
}

// TestSEBlockSaveLoad: Multiply and SiLU survive the architecture JSON and
// a safetensors round trip.
func TestSEBlockSaveLoad(t *testing.T) {
	g := seBlock(t)
	js, err := g.Arch().MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"class_name":"Multiply"`, `"class_name":"SiLU"`} {
		if !strings.Contains(strings.ReplaceAll(string(js), " ", ""), want) {
			t.Errorf("architecture JSON lacks %s:\n%s", want, js)
		}
	}
	path := filepath.Join(t.TempDir(), "se.safetensors")
	if err := SaveGraphFile(path, g, Metadata{Rescale: 1}); err != nil {
		t.Fatal(err)
	}
	g2, _, err := LoadGraphFile(path)
	if err != nil {
		t.Fatal(err)
	}
	x := NewTensor(2, 6, 6, 4)
	for i := range x.Data {
		x.Data[i] = float32(i%13)/6 - 1
	}
	want := g.Predict(x).Clone()
	if got := g2.Predict(x); !slices.Equal(got.Data, want.Data) {
		t.Errorf("loaded graph predicts %v, expected %v", got.Data, want.Data)
	}
	kinds := map[string]string{}
	for _, n := range g2.Nodes() {
		kinds[n.Name] = n.Kind
	}
	if kinds["excite"] != "Multiply" || kinds["silu"] != "SiLU" {
		t.Errorf("loaded kinds %v", kinds)
	}
}
