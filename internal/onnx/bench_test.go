package onnx

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// bigModel is a ~100 MB model: 24 convolutions 64→64 3×3 on a 64×64 input
// (each with Relu), a stride-2 convolution, Flatten and a 65536→384 Gemm
// (25 M weights, the bulk of the file, as VGG's first Dense).
func bigModel() *Model {
	m := &Model{IRVersion: 8, Opsets: map[string]int64{"": 13}}
	g := &m.Graph
	g.Inputs = []ValueInfo{{Name: "x", ElemType: TypeFloat, Shape: []Dim{{Value: 1}, {Value: 3}, {Value: 64}, {Value: 64}}}}
	fill := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(i%97-48) * 1e-3
		}
		return v
	}
	ints := func(name string, v ...int64) *Attribute { return &Attribute{Name: name, Type: AttrInts, Ints: v} }
	prev, cin := "x", int64(3)
	conv := func(i int, stride int64) {
		w, b, out := fmt.Sprintf("w%d", i), fmt.Sprintf("b%d", i), fmt.Sprintf("c%d", i)
		g.Initializers = append(g.Initializers,
			&Tensor{Name: w, Dims: []int64{64, cin, 3, 3}, DataType: TypeFloat, Float: fill(int(64 * cin * 9))},
			&Tensor{Name: b, Dims: []int64{64}, DataType: TypeFloat, Float: fill(64)})
		g.Nodes = append(g.Nodes,
			&Node{Name: "conv" + out, OpType: "Conv", Inputs: []string{prev, w, b}, Outputs: []string{out},
				Attrs: []*Attribute{ints("pads", 1, 1, 1, 1), ints("strides", stride, stride)}},
			&Node{Name: "relu" + out, OpType: "Relu", Inputs: []string{out}, Outputs: []string{"r" + out}})
		prev, cin = "r"+out, 64
	}
	for i := range 24 {
		conv(i, 1)
	}
	conv(24, 2)
	g.Initializers = append(g.Initializers, &Tensor{Name: "fc", Dims: []int64{384, 64 * 32 * 32}, DataType: TypeFloat, Float: fill(384 * 64 * 32 * 32)})
	g.Nodes = append(g.Nodes,
		&Node{Name: "flatten", OpType: "Flatten", Inputs: []string{prev}, Outputs: []string{"f"}},
		&Node{Name: "fc", OpType: "Gemm", Inputs: []string{"f", "fc"}, Outputs: []string{"y"}, Attrs: []*Attribute{{Name: "transB", Type: AttrInt, I: 1}}})
	g.Outputs = []ValueInfo{{Name: "y", ElemType: TypeFloat}}
	return m
}

// BenchmarkOpen100MB: read, parse and build a ~100 MB .onnx file (issue
// #12's target: ≤ 1 s).
func BenchmarkOpen100MB(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.onnx")
	if err := os.WriteFile(path, bigModel().Marshal(), 0o644); err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	b.ReportMetric(float64(st.Size())/1e6, "file-MB")
	benchLoad(b, path)
}

// benchLoad times Load, reporting CPU time per op too.
func benchLoad(b *testing.B, path string) {
	b.ResetTimer()
	c0 := cpuTime()
	for range b.N {
		if _, _, err := Load(path, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-c0).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// BenchmarkOpenONNX opens the file named by CONVSCOPE_ONNX_BENCH (e.g. a
// torchvision ResNet-50 exported by torch.onnx.export); skipped if unset.
func BenchmarkOpenONNX(b *testing.B) {
	path := os.Getenv("CONVSCOPE_ONNX_BENCH")
	if path == "" {
		b.Skip("CONVSCOPE_ONNX_BENCH not set")
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	benchLoad(b, path)
}
