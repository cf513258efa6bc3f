package onnx

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

// convNet is a small valid model: input (1, 3, 8, 8) → Conv 4×3×3×3 →
// Relu → GlobalAveragePool → Flatten → Gemm (4 → outputs).
func convNet(outputs int) *Model {
	w := make([]float32, 4*3*3*3)
	for i := range w {
		w[i] = float32(i%7) * 0.01
	}
	fc := make([]float32, outputs*4)
	for i := range fc {
		fc[i] = float32(i%5) * 0.1
	}
	ints := func(name string, v ...int64) *Attribute { return &Attribute{Name: name, Type: AttrInts, Ints: v} }
	return &Model{
		IRVersion: 8, Opsets: map[string]int64{"": 13},
		Graph: Graph{
			Name: "convnet",
			Nodes: []*Node{
				{Name: "conv", OpType: "Conv", Inputs: []string{"x", "w"}, Outputs: []string{"c"}, Attrs: []*Attribute{ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1)}},
				{Name: "relu", OpType: "Relu", Inputs: []string{"c"}, Outputs: []string{"r"}},
				{Name: "gap", OpType: "GlobalAveragePool", Inputs: []string{"r"}, Outputs: []string{"p"}},
				{Name: "flatten", OpType: "Flatten", Inputs: []string{"p"}, Outputs: []string{"f"}},
				{Name: "fc", OpType: "Gemm", Inputs: []string{"f", "fc"}, Outputs: []string{"y"}, Attrs: []*Attribute{{Name: "transB", Type: AttrInt, I: 1}}},
			},
			Initializers: []*Tensor{
				{Name: "w", Dims: []int64{4, 3, 3, 3}, DataType: TypeFloat, Float: w},
				{Name: "fc", Dims: []int64{int64(outputs), 4}, DataType: TypeFloat, Float: fc},
			},
			Inputs:  []ValueInfo{{Name: "x", ElemType: TypeFloat, Shape: []Dim{{Param: "batch"}, {Value: 3}, {Value: 8}, {Value: 8}}}},
			Outputs: []ValueInfo{{Name: "y", ElemType: TypeFloat}},
		},
	}
}

func TestReadMetadata(t *testing.T) {
	m := convNet(3)
	m.Metadata = []KeyValue{{"names", "{0: 'cat', 1: 'dog', 2: \"bird\"}"}}
	g, meta, err := Read(bytes.NewReader(m.Marshal()), Options{Preprocess: PresetImageNet})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(meta.ClassNames, []string{"cat", "dog", "bird"}) {
		t.Errorf("class names %q", meta.ClassNames)
	}
	if !meta.Logits {
		t.Error("a Gemm output without softmax should be marked as logits")
	}
	if meta.Rescale != nn.DefaultRescale || !slices.Equal(meta.Mean, nn.ImageNetMean()) || meta.ColorMode != "rgb" {
		t.Errorf("imagenet preset: %+v", meta)
	}
	if got := g.InputShape(); !slices.Equal(got, []int{8, 8, 3}) {
		t.Errorf("input shape %v, want (8, 8, 3)", got)
	}
}

func TestLoadLabels(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.onnx")
	if err := os.WriteFile(path, convNet(2).Marshal(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, meta, err := Load(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(meta.ClassNames, []string{"class 0", "class 1"}) || meta.Rescale != nn.DefaultRescale || meta.Mean != nil {
		t.Errorf("without labels: %q rescale %v mean %v", meta.ClassNames, meta.Rescale, meta.Mean)
	}
	os.WriteFile(filepath.Join(dir, "labels.txt"), []byte("cats\ndogs\n\n"), 0o644)
	_, meta, err = Load(path, Options{Preprocess: PresetRaw})
	if err != nil || !slices.Equal(meta.ClassNames, []string{"cats", "dogs"}) || meta.Rescale != 1 {
		t.Errorf("labels.txt: %q rescale %v, %v", meta.ClassNames, meta.Rescale, err)
	}
	os.WriteFile(filepath.Join(dir, "labels.txt"), []byte("a\nb\nc\n"), 0o644)
	if _, _, err = Load(path, Options{}); err == nil || !strings.Contains(err.Error(), "expected 2 class names") {
		t.Errorf("3 labels for 2 outputs: %v", err)
	}
	if _, _, err = Load(path, Options{Preprocess: "keras"}); err == nil || !strings.Contains(err.Error(), "expected tutorial, imagenet, raw") {
		t.Errorf("unknown preset: %v", err)
	}
}

// TestImportBadInput: each broken model gives one clear error line.
func TestImportBadInput(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(m *Model)
		want   string
	}{
		{"unsupported op", func(m *Model) { m.Graph.Nodes[1].OpType = "LSTM" },
			`unsupported operator LSTM (node "relu"); supported: Add, AveragePool, BatchNormalization`},
		{"custom domain", func(m *Model) { m.Graph.Nodes[1].Domain = "com.microsoft" }, "unsupported operator com.microsoft.Relu"},
		{"cycle", func(m *Model) { m.Graph.Nodes[0].Inputs[0] = "r" }, "cycle"},
		{"dangling input", func(m *Model) { m.Graph.Nodes[2].Inputs[0] = "nowhere" }, `input "nowhere" is not computed by any node, initializer or graph input`},
		{"shape mismatch", func(m *Model) {
			m.Graph.Initializers[1].Dims = []int64{1, 8}
			m.Graph.Initializers[1].Float = make([]float32, 8)
		},
			"expected 8 input features, received 4"},
		{"conv channels", func(m *Model) { m.Graph.Inputs[0].Shape[1].Value = 5 }, "expected 3 input channels, received 5"},
		{"batch 4", func(m *Model) { m.Graph.Inputs[0].Shape[0] = Dim{Value: 4} }, "batch dimension 4: expected 1 or a dynamic batch"},
		{"dynamic spatial", func(m *Model) { m.Graph.Inputs[0].Shape[2] = Dim{Param: "height"} }, "dimension 2 is dynamic (height)"},
		{"external data", func(m *Model) {
			m.Graph.Initializers[0] = &Tensor{Name: "w", Dims: []int64{4, 3, 3, 3}, DataType: TypeFloat, External: true, Location: "weights.bin"}
		}, `external data file ("weights.bin")`},
		{"opset 19", func(m *Model) { m.Opsets[""] = 19 }, "opset 19: expected an opset from 7 to 18"},
		{"two inputs", func(m *Model) { m.Graph.Inputs = append(m.Graph.Inputs, ValueInfo{Name: "z", ElemType: TypeFloat}) }, "expected a model with 1 input, received 2"},
		{"3-D conv", func(m *Model) { m.Graph.Initializers[0].Dims = []int64{4, 3, 9} }, "only 2-D convolutions"},
		{"softmax axis", func(m *Model) {
			m.Graph.Nodes[1] = &Node{Name: "sm", OpType: "Softmax", Inputs: []string{"c"}, Outputs: []string{"r"}}
		}, "only a softmax over channels"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := convNet(2)
			tc.break_(m)
			_, _, err := Read(bytes.NewReader(m.Marshal()), Options{})
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want one line containing %q", err, tc.want)
			}
		})
	}
}
