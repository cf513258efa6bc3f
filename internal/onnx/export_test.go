package onnx

import (
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/convscope/convscope/nn"
)

// tutorialNet is the reference model's architecture at a small size.
func tutorialNet(t *testing.T) *nn.Sequential {
	m, err := nn.NewSequential([]int{22, 22, 3},
		nn.NewConv2D(4, 3, 3, nn.WithActivation("relu")), nn.NewMaxPooling2D(2, 2),
		nn.NewConv2D(6, 3, 3, nn.WithActivation("relu"), nn.WithPadding("same")), nn.NewMaxPooling2D(2, 2),
		nn.NewFlatten(), nn.NewDropout(0.5),
		nn.NewDense(8, nn.WithActivation("relu")), nn.NewDense(1, nn.WithActivation("sigmoid")))
	if err != nil {
		t.Fatal(err)
	}
	m.Init(3)
	return m
}

// zooGraph uses every exportable layer kind.
func zooGraph(t *testing.T) *nn.Graph {
	g := nn.NewGraph([]int{17, 15, 3})
	add := func(l nn.LayerBase, in ...string) string {
		name, err := g.Add(l, in...)
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	x := add(nn.NewRescaling(2, -1), nn.GraphInput)
	x = add(nn.NewConv2D(8, 3, 3, nn.WithStrides(2, 2), nn.WithPads(1, 1, 1, 1), nn.WithUseBias(false)), x)
	x = add(nn.NewBatchNormalization(nn.WithEpsilon(1e-5)), x)
	x = add(nn.NewReLU(6, 0, 0), x)
	a := add(nn.NewConv2D(8, 3, 3, nn.WithGroups(8), nn.WithPadding("same")), x)
	a = add(nn.NewLeakyReLU(0.1), a)
	b := add(nn.NewConv2D(8, 3, 3, nn.WithDilation(2, 2), nn.WithPads(2, 2, 2, 2)), x)
	b = add(nn.NewHardSwish(), b)
	s := add(nn.NewAdd(), a, b)
	s = add(nn.NewZeroPadding2D(1, 0, 0, 1), s)
	p := add(nn.NewMaxPooling2D(3, 3, nn.WithStrides(2, 2), nn.WithCeilMode(true)), s)
	q := add(nn.NewAveragePooling2D(3, 3, nn.WithStrides(2, 2), nn.WithPads(1, 0, 1, 0), nn.WithCountIncludePad(true)), s)
	q = add(nn.NewConv2D(8, 1, 1, nn.WithActivation("relu6")), q)
	q = add(nn.NewClip(-0.5, 0.75), q)
	c := add(nn.NewConcatenate(), p, q)
	c = add(nn.NewHardSigmoid(0.2, 0.5), c)
	c = add(nn.NewActivation("tanh"), c)
	flat := add(nn.NewFlatten(), c)
	d := add(nn.NewDense(6), flat)
	d = add(nn.NewBatchNormalization(), d)
	d = add(nn.NewDropout(0.3), d)
	add(nn.NewSoftmax(), d)
	gp := add(nn.NewGlobalAveragePooling2D(), c)
	add(nn.NewDense(3, nn.WithActivation("sigmoid")), gp)
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	g.Init(5)
	// Non-trivial BatchNormalization statistics.
	rng := rand.New(rand.NewSource(9))
	for _, p := range g.Weights() {
		if filepath.Base(p.Name) == "moving_mean" || filepath.Base(p.Name) == "beta" {
			for i := range p.Value {
				p.Value[i] = float32(rng.NormFloat64() * 0.3)
			}
		}
		if filepath.Base(p.Name) == "moving_variance" || filepath.Base(p.Name) == "gamma" {
			for i := range p.Value {
				p.Value[i] = float32(0.5 + rng.Float64())
			}
		}
	}
	return g
}

func randomInput(shape []int, seed int64) *nn.Tensor {
	x := nn.NewTensor(append([]int{2}, shape...)...)
	rng := rand.New(rand.NewSource(seed))
	for i := range x.Data {
		x.Data[i] = rng.Float32()
	}
	return x
}

// roundTrip exports, re-encodes, re-imports and compares every output on
// a batch of 2 for identity (bit for bit).
func roundTrip(t *testing.T, m *Model, in []int, want []*nn.Tensor) *nn.Graph {
	t.Helper()
	back, err := Parse(m.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	g, err := Import(back)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g.InputShape(), in) {
		t.Fatalf("input shape %v, want %v", g.InputShape(), in)
	}
	g.Forward(randomInput(in, 1), false)
	got := g.Outputs()
	if len(got) != len(want) {
		t.Fatalf("%d outputs, want %d", len(got), len(want))
	}
	for i := range want {
		if !slices.Equal(got[i].Shape, want[i].Shape) || !slices.Equal(got[i].Data, want[i].Data) {
			t.Errorf("output %d differs after the round trip:\n got %v\nwant %v", i, got[i].Data[:min(8, len(got[i].Data))], want[i].Data[:min(8, len(want[i].Data))])
		}
	}
	return g
}

func TestExportRoundTripSequential(t *testing.T) {
	m := tutorialNet(t)
	want := m.Forward(randomInput(m.InputShape(), 1), false).Clone()
	om, err := ExportSequential(m, nn.Metadata{ClassNames: []string{"cats", "dogs"}})
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, om, m.InputShape(), []*nn.Tensor{want})
	checkWithPython(t, om)
}

func TestExportRoundTripGraph(t *testing.T) {
	g := zooGraph(t)
	g.Forward(randomInput(g.InputShape(), 1), false)
	var want []*nn.Tensor
	for _, o := range g.Outputs() {
		want = append(want, o.Clone())
	}
	om, err := ExportGraph(g, nn.Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	if om.Opset() != 14 {
		t.Errorf("opset %d, want 14 (HardSwish)", om.Opset())
	}
	roundTrip(t, om, g.InputShape(), want)
	checkWithPython(t, om)
}

// checkWithPython runs onnx.checker (full_check: shape inference too) on
// the exported model when Debian's python3-onnx is installed. It is an
// extra check, skipped silently when absent; the round trips above are the
// tests.
func checkWithPython(t *testing.T, m *Model) {
	t.Helper()
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil || exec.Command(py, "-c", "import onnx").Run() != nil {
		t.Log("python3-onnx not installed: onnx.checker not run")
		return
	}
	path := filepath.Join(t.TempDir(), "m.onnx")
	if err := WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "-c", "import onnx,sys; m=onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True)", path).CombinedOutput()
	if err != nil {
		t.Errorf("onnx.checker rejects the export: %v\n%s", err, out)
	}
}
