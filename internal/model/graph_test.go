package model

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

// smallGraph is a residual block on 16×16×3 input ending in three logits
// (no softmax), built in Go.
func smallGraph(t testing.TB) *nn.Graph {
	t.Helper()
	g := nn.NewGraph([]int{16, 16, 3})
	a, _ := g.Add(nn.NewConv2D(8, 3, 3, nn.WithPadding("same")), nn.GraphInput)
	r, _ := g.Add(nn.NewReLU(0, 0, 0), a)
	b, _ := g.Add(nn.NewConv2D(8, 3, 3, nn.WithPadding("same")), r)
	s, _ := g.Add(nn.NewAdd(), a, b)
	p, _ := g.Add(nn.NewMaxPooling2D(2, 2), s)
	gap, _ := g.Add(nn.NewGlobalAveragePooling2D(), p)
	g.Add(nn.NewDense(3), gap)
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	g.Init(3)
	return g
}

// TestGraphModelSaveOpen: a graph model saves as .safetensors and opens
// again as a graph, with every spatial node listed, in order, for the grid.
func TestGraphModelSaveOpen(t *testing.T) {
	m := &Model{Graph: smallGraph(t), Classes: []string{"a", "b", "c"}, Meta: nn.Metadata{Logits: true}}
	path := filepath.Join(t.TempDir(), "g.safetensors")
	if err := m.Save(path, nil); err != nil {
		t.Fatal(err)
	}
	m2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if !m2.IsGraph() || m2.Net != nil || !slices.Equal(m2.Classes, m.Classes) || !m2.Meta.Logits {
		t.Fatalf("reopened %+v", m2)
	}
	var names, kinds []string
	var conv []bool
	for _, l := range m2.MapLayers() {
		names, kinds, conv = append(names, l.Name), append(kinds, l.Kind), append(conv, l.Conv)
	}
	if want := []string{"Conv2D", "ReLU", "Conv2D", "Add", "MaxPooling2D"}; !slices.Equal(kinds, want) {
		t.Errorf("map layers %v (%v), want kinds %v", names, kinds, want)
	}
	if want := []bool{true, false, true, false, false}; !slices.Equal(conv, want) {
		t.Errorf("conv flags %v, want %v", conv, want)
	}
	nodes := m2.Nodes()
	if add := nodes[3]; add.Kind != "Add" || len(add.Inputs) != 2 {
		t.Errorf("node 3: %+v, want an Add of two inputs", add)
	}
	x := nn.NewTensor(1, 16, 16, 3)
	for i := range x.Data {
		x.Data[i] = float32(i%7) / 7
	}
	maps, out := m2.Forward(x)
	if len(maps) != 5 || !slices.Equal(maps[4].Shape, []int{1, 8, 8, 8}) || len(out) != 3 {
		t.Fatalf("forward: %d maps, out %v", len(maps), out)
	}
	want := m.Graph.Forward(x, false).Data
	for i := range out {
		if out[i] != want[i] {
			t.Fatalf("output %v, want %v (same weights)", out, want)
		}
	}
	if w, shape, ok := m2.Kernel(0); !ok || !slices.Equal(shape, []int{3, 3, 3, 8}) || len(w) != 216 {
		t.Errorf("kernel of node 0: %v %v", shape, ok)
	}
	if _, _, ok := m2.Kernel(1); ok {
		t.Error("a ReLU has a kernel")
	}
	pr := m2.Predict(out)
	if !pr.Softmaxed || pr.Top[0].Prob <= 0 || pr.Top[0].Prob > 1 {
		t.Errorf("prediction %+v", pr)
	}
	if _, err := m2.CloneNet(); err != ErrNotSequential {
		t.Errorf("CloneNet of a graph: %v", err)
	}
	var b strings.Builder
	if err := m2.Summary(&b); err != nil || !strings.Contains(b.String(), "Connected to") {
		t.Errorf("summary: %v\n%s", err, b.String())
	}
}

// TestOpenONNXPresets: an ONNX file opens with a preprocessing preset,
// which WithPreprocess changes without reading the file again.
func TestOpenONNXPresets(t *testing.T) {
	const path = "../onnx/testdata/parity/resnet_folded.onnx"
	m, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if !m.IsGraph() || m.Preprocess != PresetTutorial || len(m.MapLayers()) == 0 || len(m.Meta.Mean) != 0 {
		t.Fatalf("opened %+v", m)
	}
	im, err := OpenWith(path, PresetImageNet)
	if err != nil || len(im.Meta.Mean) != 3 || im.Preprocess != PresetImageNet {
		t.Fatalf("imagenet: %v %+v", err, im)
	}
	raw, err := m.WithPreprocess(PresetRaw)
	if err != nil || raw.Graph != m.Graph || raw.Meta.Rescale != 1 || m.Preprocess != PresetTutorial {
		t.Fatalf("WithPreprocess: %v, %+v", err, raw)
	}
	if _, err := OpenWith(path, "bogus"); err == nil {
		t.Error("an unknown preset opened")
	}
	if _, err := OpenWith("x.safetensors", PresetRaw); err == nil {
		t.Error("a preset was accepted for a .safetensors file")
	}
	if !NeedsPreprocess("A.ONNX") || NeedsPreprocess("a.safetensors") {
		t.Error("NeedsPreprocess")
	}
}

// TestONNXModelSavesAsSafetensors: an imported ONNX graph saves as
// .safetensors and reopens with the same outputs and its preprocessing.
func TestONNXModelSavesAsSafetensors(t *testing.T) {
	m, err := OpenWith("../onnx/testdata/parity/squeezenet_bn.onnx", PresetImageNet)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "squeeze.safetensors")
	if err := m.Save(path, nil); err != nil {
		t.Fatal(err)
	}
	m2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if !m2.IsGraph() || len(m2.Meta.Mean) != 3 || len(m2.MapLayers()) != len(m.MapLayers()) {
		t.Fatalf("reopened: graph %v, mean %v, %d map layers (want %d)", m2.IsGraph(), m2.Meta.Mean, len(m2.MapLayers()), len(m.MapLayers()))
	}
	x := nn.NewTensor(append([]int{1}, m.InputShape()...)...)
	for i := range x.Data {
		x.Data[i] = float32(i%13)/13 - 0.5
	}
	_, a := m.Forward(x)
	_, b := m2.Forward(x)
	if !slices.Equal(a, b) {
		t.Errorf("outputs differ after save and reopen: %v vs %v", a[:min(4, len(a))], b[:min(4, len(b))])
	}
}
