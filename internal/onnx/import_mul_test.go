package onnx

import (
	"math"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

// mulNet is convNet's first layers with node extra reading the Conv's
// output "c" (1, 4, 8, 8) and the max-pooled "p" (1, 4, 4, 4), ending the
// graph at extra's output "y".
func mulNet(extra ...*Node) *Model {
	m := convNet(2)
	ints := func(name string, v ...int64) *Attribute { return &Attribute{Name: name, Type: AttrInts, Ints: v} }
	m.Graph.Nodes = append(m.Graph.Nodes[:1],
		&Node{Name: "pool", OpType: "MaxPool", Inputs: []string{"c"}, Outputs: []string{"p"}, Attrs: []*Attribute{ints("kernel_shape", 2, 2), ints("strides", 2, 2)}},
		&Node{Name: "gap", OpType: "GlobalAveragePool", Inputs: []string{"c"}, Outputs: []string{"g"}},
		&Node{Name: "flat", OpType: "Flatten", Inputs: []string{"g"}, Outputs: []string{"f"}},
	)
	m.Graph.Nodes = append(m.Graph.Nodes, extra...)
	m.Graph.Initializers = m.Graph.Initializers[:1]
	return m
}

func TestMulAndReduceMeanRefused(t *testing.T) {
	ints := func(name string, v ...int64) *Attribute { return &Attribute{Name: name, Type: AttrInts, Ints: v} }
	for _, tc := range []struct {
		name string
		node *Node
		want string
	}{
		{"spatial broadcast", &Node{Name: "mul", OpType: "Mul", Inputs: []string{"c", "p"}, Outputs: []string{"y"}},
			`onnx: node "mul" (Mul): expected inputs of the same shape, or one value per channel of the other ((1, C, 1, 1) by (1, C, H, W)), received [1 4 8 8] and [1 4 4 4]: other broadcasts are not supported`},
		{"flat by image", &Node{Name: "mul", OpType: "Mul", Inputs: []string{"f", "c"}, Outputs: []string{"y"}},
			"received [1 4] and [1 4 8 8]: other broadcasts are not supported"},
		{"Sub of two tensors", &Node{Name: "sub", OpType: "Sub", Inputs: []string{"c", "c"}, Outputs: []string{"y"}},
			`onnx: node "sub" (Sub): Sub of two computed tensors is not supported (only Add and Mul are)`},
		{"mean over channels", &Node{Name: "mean", OpType: "ReduceMean", Inputs: []string{"c"}, Outputs: []string{"y"}, Attrs: []*Attribute{ints("axes", 1)}},
			`onnx: node "mean" (ReduceMean): mean over axes [1] of shape [1 4 8 8]: only the mean over the spatial axes (H, W) of an image is supported (a global average pooling)`},
		{"mean over all", &Node{Name: "mean", OpType: "ReduceMean", Inputs: []string{"c"}, Outputs: []string{"y"}},
			"mean over axes [] of shape [1 4 8 8]"},
		{"mean of features", &Node{Name: "mean", OpType: "ReduceMean", Inputs: []string{"f"}, Outputs: []string{"y"}, Attrs: []*Attribute{ints("axes", 1)}},
			"mean over axes [1] of shape [1 4]"},
	} {
		_, err := Import(mulNet(tc.node))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v\nexpected one line with %q", tc.name, err, tc.want)
		}
	}
}

// TestMulAndReduceMeanForms: the accepted forms, each checked against a
// direct computation from the Conv's output.
func TestMulAndReduceMeanForms(t *testing.T) {
	ints := func(name string, v ...int64) *Attribute { return &Attribute{Name: name, Type: AttrInts, Ints: v} }
	for _, tc := range []struct {
		name  string
		nodes []*Node
		// want computes output value i from the Conv output c (2 samples,
		// NHWC, 8×8×4).
		want func(c []float32, i int) float64
	}{
		{"square", []*Node{{Name: "mul", OpType: "Mul", Inputs: []string{"c", "c"}, Outputs: []string{"y"}}},
			func(c []float32, i int) float64 { return float64(c[i] * c[i]) }},
		{"gate second", []*Node{{Name: "mul", OpType: "Mul", Inputs: []string{"c", "g"}, Outputs: []string{"y"}}},
			func(c []float32, i int) float64 { return float64(c[i]) * mean(c, i/256, i%4) }},
		{"gate first", []*Node{{Name: "mul", OpType: "Mul", Inputs: []string{"g", "c"}, Outputs: []string{"y"}}},
			func(c []float32, i int) float64 { return float64(c[i]) * mean(c, i/256, i%4) }},
		{"two gates", []*Node{{Name: "mul", OpType: "Mul", Inputs: []string{"g", "g"}, Outputs: []string{"y"}}},
			func(c []float32, i int) float64 { return mean(c, i/4, i%4) * mean(c, i/4, i%4) }},
		{"mean keepdims", []*Node{{Name: "mean", OpType: "ReduceMean", Inputs: []string{"c"}, Outputs: []string{"m"}, Attrs: []*Attribute{ints("axes", -1, -2)}},
			{Name: "mul", OpType: "Mul", Inputs: []string{"c", "m"}, Outputs: []string{"y"}}},
			func(c []float32, i int) float64 { return float64(c[i]) * mean(c, i/256, i%4) }},
		{"mean", []*Node{{Name: "mean", OpType: "ReduceMean", Inputs: []string{"c"}, Outputs: []string{"y"}, Attrs: []*Attribute{ints("axes", 2, 3), {Name: "keepdims", Type: AttrInt}}}},
			func(c []float32, i int) float64 { return mean(c, i/4, i%4) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, y := runMulNet(t, mulNet(tc.nodes...))
			for i, v := range y {
				if w := tc.want(c, i); math.Abs(float64(v)-w) > 1e-5*math.Max(1, math.Abs(w)) {
					t.Fatalf("y[%d] = %g, expected %g", i, v, w)
				}
			}
		})
	}
}

// mean is channel ch's mean of sample b's 8×8×4 NHWC map.
func mean(c []float32, b, ch int) float64 {
	s := 0.0
	for p := range 64 {
		s += float64(c[b*256+p*4+ch])
	}
	return s / 64
}

// TestGatesFused: with FuseActivations, x·Sigmoid(x) becomes one SiLU
// node and x·HardSigmoid(x) one HardSwish node; the gates stay Multiply.
func TestGatesFused(t *testing.T) {
	for _, name := range []string{"efficientnet_folded", "mobilenetv3_folded", "se_block_bn"} {
		m, err := ReadModelFile("testdata/parity/" + name + ".onnx")
		if err != nil {
			t.Fatal(err)
		}
		producer := map[string]*Node{}
		muls, acts := 0, 0
		for _, n := range m.Graph.Nodes {
			producer[n.Outputs[0]] = n
		}
		for _, n := range m.Graph.Nodes {
			if n.OpType != "Mul" {
				continue
			}
			muls++
			for i, in := range n.Inputs {
				if p := producer[in]; p != nil && (p.OpType == "Sigmoid" || p.OpType == "HardSigmoid") && p.Inputs[0] == n.Inputs[1-i] {
					acts++
					break
				}
			}
		}
		for _, fuse := range []bool{false, true} {
			g, err := ImportWith(m, ImportOptions{FuseActivations: fuse})
			if err != nil {
				t.Fatal(err)
			}
			kinds := map[string]int{}
			for _, n := range g.Nodes() {
				kinds[n.Kind]++
			}
			wantMul, wantAct := muls, 0
			if fuse {
				wantMul, wantAct = muls-acts, acts
			}
			if kinds["Multiply"] != wantMul || kinds["SiLU"]+kinds["HardSwish"] != wantAct || acts == 0 {
				t.Errorf("%s (fuse %v): %d Multiply, %d SiLU, %d HardSwish; expected %d Multiply, %d activations (of %d Mul)",
					name, fuse, kinds["Multiply"], kinds["SiLU"], kinds["HardSwish"], wantMul, wantAct, muls)
			}
		}
	}
}

// TestReduceMeanOpset18: from opset 18 the axes are an input.
func TestReduceMeanOpset18(t *testing.T) {
	m := mulNet(&Node{Name: "mean", OpType: "ReduceMean", Inputs: []string{"c", "axes"}, Outputs: []string{"y"}})
	m.Opsets[""] = 18
	m.Graph.Initializers = append(m.Graph.Initializers, &Tensor{Name: "axes", Dims: []int64{2}, DataType: TypeInt64, Int64: []int64{3, 2}})
	c, y := runMulNet(t, m)
	if len(y) != 8 {
		t.Fatalf("%d outputs, expected 2 samples × 4 channels", len(y))
	}
	for i, v := range y {
		if w := mean(c, i/4, i%4); math.Abs(float64(v)-w) > 1e-6 {
			t.Errorf("y[%d] = %g, expected %g", i, v, w)
		}
	}
	m.Graph.Initializers[len(m.Graph.Initializers)-1].Int64 = []int64{1}
	if _, err := Import(m); err == nil || !strings.Contains(err.Error(), "mean over axes [1]") {
		t.Errorf("ReduceMean over the channels at opset 18: %v", err)
	}
}

// TestGatesFusedGradients: the fused import (SiLU, HardSwish nodes) and
// the plain one (Sigmoid/HardSigmoid and Multiply) agree on the outputs
// and on the input gradient (what explanations back-propagate) within
// 1e-6 of the largest value.
func TestGatesFusedGradients(t *testing.T) {
	for _, f := range []string{"mobilenetv3_folded", "efficientnet_folded", "se_block_bn"} {
		var grads, outs [][]float32
		for _, fuse := range []bool{false, true} {
			g, _, err := Load("testdata/parity/"+f+".onnx", Options{ImportOptions: ImportOptions{FuseActivations: fuse}})
			if err != nil {
				t.Fatal(err)
			}
			x := randomInput(g.InputShape(), 2)
			y := g.Forward(x, false)
			dy := nn.NewTensor(y.Shape...)
			for i := range dy.Data {
				dy.Data[i] = float32(i%3) - 1
			}
			if err := g.BackwardWith(nn.BackwardOptions{InputGrad: true, SkipWeights: true}, dy); err != nil {
				t.Fatal(err)
			}
			grads = append(grads, append([]float32(nil), g.Grad(nn.GraphInput).Data...))
			outs = append(outs, append([]float32(nil), y.Data...))
		}
		if e := relErr(outs[1], outs[0]); e > 1e-6 || math.IsNaN(e) {
			t.Errorf("%s: fused and plain outputs differ by %.3g of the largest", f, e)
		}
		if e := relErr(grads[1], grads[0]); e > 1e-6 || math.IsNaN(e) {
			t.Errorf("%s: fused and plain input gradients differ by %.3g of the largest", f, e)
		}
	}
}

// runMulNet imports m (a mulNet), runs it on a random 8×8×3 input and
// returns the outputs of its values c and y.
func runMulNet(t *testing.T, m *Model) (c, y []float32) {
	t.Helper()
	im, err := importModel(m, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	im.g.Forward(randomInput([]int{8, 8, 3}, 3), false)
	return im.g.Output(im.vals["c"].node).Data, im.g.Output(im.vals["y"].node).Data
}
