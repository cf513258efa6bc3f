package nn

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"
)

type torchTensor struct {
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

// smallResNet builds the network of testdata/torch/make_resnet.py, with its
// node names: ONNX-style explicit padding, BatchNormalization with ε 1e-5,
// a max pooling with padding and two residual blocks.
func smallResNet(t testing.TB) *Graph {
	g := NewGraph([]int{12, 12, 3})
	add := func(l LayerBase, in ...string) string {
		name, err := g.Add(l, in...)
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	conv := func(name, in string, filters, k, stride, pad int) string {
		return add(NewConv2D(filters, k, k, WithName(name), WithStrides(stride, stride), WithPads(pad, pad, pad, pad), WithUseBias(false)), in)
	}
	bn := func(name, in string) string { return add(NewBatchNormalization(WithName(name), WithEpsilon(1e-5)), in) }
	relu := func(name, in string) string { return add(NewReLU(0, 0, 0, WithName(name)), in) }
	h := relu("stem_relu", bn("stem_bn", conv("stem", GraphInput, 8, 3, 2, 1)))
	h = add(NewMaxPooling2D(3, 3, WithName("pool"), WithStrides(2, 2), WithPads(1, 1, 1, 1)), h)
	r := relu("b1_relu1", bn("b1_bn1", conv("b1_conv1", h, 8, 3, 1, 1)))
	r = bn("b1_bn2", conv("b1_conv2", r, 8, 3, 1, 1))
	h = relu("b1_relu2", add(NewAdd(WithName("b1_add")), r, h))
	r = relu("b2_relu1", bn("b2_bn1", conv("b2_conv1", h, 16, 3, 2, 1)))
	r = bn("b2_bn2", conv("b2_conv2", r, 16, 3, 1, 1))
	s := bn("b2_down_bn", conv("b2_down", h, 16, 1, 2, 0))
	h = relu("b2_relu2", add(NewAdd(WithName("b2_add")), r, s))
	h = add(NewGlobalAveragePooling2D(WithName("gap")), h)
	add(NewDense(5, WithName("fc")), h)
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	return g
}

// TestGraphParityResNet compares every node's output of a small ResNet-like
// graph with PyTorch's (testdata/torch/make_resnet.py, float64), within
// 1e-4 of each tensor's largest value.
func TestGraphParityResNet(t *testing.T) {
	raw, err := os.ReadFile("testdata/torch/resnet.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Input   torchTensor            `json:"input"`
		Weights map[string]torchTensor `json:"weights"`
		Outputs map[string]torchTensor `json:"outputs"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	g := smallResNet(t)
	if len(ref.Weights) != len(g.Weights()) {
		t.Fatalf("%d reference weights, the graph has %d", len(ref.Weights), len(g.Weights()))
	}
	for _, p := range g.Weights() {
		w, ok := ref.Weights[p.Name]
		if !ok || !slices.Equal(w.Shape, p.Shape) {
			t.Fatalf("%s %v: reference %v", p.Name, p.Shape, w.Shape)
		}
		for i, v := range w.Data {
			p.Value[i] = float32(v)
		}
	}
	x := NewTensor(ref.Input.Shape...)
	for i, v := range ref.Input.Data {
		x.Data[i] = float32(v)
	}
	g.Forward(x, false)
	checked := 0
	for _, n := range g.Nodes() {
		want, ok := ref.Outputs[n.Name]
		if !ok {
			continue
		}
		got := g.Output(n.Name)
		if !slices.Equal(got.Shape, want.Shape) {
			t.Fatalf("%s: shape %v, PyTorch %v", n.Name, got.Shape, want.Shape)
		}
		scale := 0.0
		for _, v := range want.Data {
			scale = math.Max(scale, math.Abs(v))
		}
		for i, v := range want.Data {
			if d := math.Abs(float64(got.Data[i]) - v); d > 1e-4*scale {
				t.Errorf("%s[%d] = %g, PyTorch %g (|diff| %.2g of max %.3g)", n.Name, i, got.Data[i], v, d/scale, scale)
				break
			}
		}
		checked++
	}
	if checked != len(ref.Outputs) {
		t.Errorf("compared %d of %d reference outputs", checked, len(ref.Outputs))
	}
}
