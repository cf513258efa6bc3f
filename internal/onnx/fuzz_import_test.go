package onnx

import (
	"fmt"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

// byteSource turns fuzz bytes into small choices (zeros once exhausted).
type byteSource struct{ b []byte }

func (s *byteSource) next(n int) int {
	if len(s.b) == 0 || n <= 0 {
		return 0
	}
	v := int(s.b[0]) % n
	s.b = s.b[1:]
	return v
}

// randomGraph builds a chain-and-branch model of supported operators with
// attributes drawn from src, valid or not.
func randomGraph(src *byteSource) *Model {
	m := &Model{IRVersion: 8, Opsets: map[string]int64{"": int64(7 + src.next(12))}}
	g := &m.Graph
	c, h, w := 1+src.next(4), 1+src.next(9), 1+src.next(9)
	g.Inputs = []ValueInfo{{Name: "x", ElemType: TypeFloat, Shape: []Dim{{Value: 1}, {Value: int64(c)}, {Value: int64(h)}, {Value: int64(w)}}}}
	vals := []string{"x"}
	ints := func(name string, v ...int) *Attribute {
		a := &Attribute{Name: name, Type: AttrInts}
		for _, x := range v {
			a.Ints = append(a.Ints, int64(x))
		}
		return a
	}
	konst := func(name string, dims []int64, n int) string {
		f := make([]float32, n)
		for i := range f {
			f[i] = float32(src.next(7)) - 3
		}
		g.Initializers = append(g.Initializers, &Tensor{Name: name, Dims: dims, DataType: TypeFloat, Float: f})
		return name
	}
	steps := 1 + src.next(8)
	for i := range steps {
		in := vals[src.next(len(vals))]
		out := fmt.Sprintf("v%d", i)
		n := &Node{Name: out, Inputs: []string{in}, Outputs: []string{out}}
		switch src.next(12) {
		case 0:
			k, cin, m2 := 1+src.next(3), 1+src.next(4), 1+src.next(4)
			n.OpType = "Conv"
			n.Inputs = append(n.Inputs, konst(out+"w", []int64{int64(m2), int64(cin), int64(k), int64(k)}, m2*cin*k*k))
			n.Attrs = []*Attribute{ints("pads", src.next(3), src.next(3), src.next(3), src.next(3)), ints("strides", 1+src.next(3), 1+src.next(3)),
				{Name: "group", Type: AttrInt, I: int64(1 + src.next(2))}}
		case 1:
			n.OpType = []string{"MaxPool", "AveragePool"}[src.next(2)]
			n.Attrs = []*Attribute{ints("kernel_shape", 1+src.next(3), 1+src.next(3)), ints("pads", src.next(2), src.next(2), src.next(2), src.next(2)),
				{Name: "ceil_mode", Type: AttrInt, I: int64(src.next(2))}}
		case 2:
			n.OpType = []string{"Relu", "Sigmoid", "Tanh", "HardSwish", "HardSigmoid", "LeakyRelu"}[src.next(6)]
		case 3:
			n.OpType = []string{"GlobalAveragePool", "ReduceMean"}[src.next(2)]
			if n.OpType == "ReduceMean" {
				n.Attrs = []*Attribute{ints("axes", src.next(4), src.next(4)-src.next(2)), {Name: "keepdims", Type: AttrInt, I: int64(src.next(2))}}
			}
		case 4:
			n.OpType = "Flatten"
		case 5:
			n.OpType = []string{"Add", "Mul", "Sub", "Div"}[src.next(4)]
			if src.next(2) == 0 {
				n.Inputs = append(n.Inputs, vals[src.next(len(vals))])
			} else {
				d := 1 + src.next(4)
				n.Inputs = append(n.Inputs, konst(out+"k", []int64{int64(d), 1, 1}, d))
			}
		case 6:
			n.OpType = "Concat"
			n.Inputs = append(n.Inputs, vals[src.next(len(vals))])
			n.Attrs = []*Attribute{{Name: "axis", Type: AttrInt, I: int64(src.next(4))}}
		case 7:
			units := 1 + src.next(5)
			n.OpType = "Gemm"
			n.Inputs = append(n.Inputs, konst(out+"w", []int64{int64(units), int64(1 + src.next(40))}, 0))
			g.Initializers[len(g.Initializers)-1].Float = make([]float32, g.Initializers[len(g.Initializers)-1].Len())
			n.Attrs = []*Attribute{{Name: "transB", Type: AttrInt, I: 1}}
		case 8:
			n.OpType = "Softmax"
			n.Attrs = []*Attribute{{Name: "axis", Type: AttrInt, I: int64(src.next(4)) - 1}}
		case 9:
			n.OpType = "Pad"
			p := make([]int64, 8)
			for j := range p {
				p[j] = int64(src.next(3)) - int64(src.next(2))
			}
			g.Initializers = append(g.Initializers, &Tensor{Name: out + "p", Dims: []int64{8}, DataType: TypeInt64, Int64: p})
			n.Inputs = append(n.Inputs, out+"p")
		case 10:
			n.OpType = "Transpose"
			n.Attrs = []*Attribute{ints("perm", 0, 2, 3, 1)}
		case 11:
			n.OpType = "BatchNormalization"
			d := 1 + src.next(4)
			for _, s := range []string{"g", "b", "m", "v"} {
				n.Inputs = append(n.Inputs, konst(out+s, []int64{int64(d)}, d))
			}
		}
		g.Nodes = append(g.Nodes, n)
		vals = append(vals, out)
	}
	g.Outputs = []ValueInfo{{Name: vals[len(vals)-1], ElemType: TypeFloat}}
	return m
}

// FuzzImport: random graphs of supported operators either import with one
// clear error line or import and run (batch 2) without panicking.
func FuzzImport(f *testing.F) {
	for _, seed := range []string{"", "\x00\x01\x02", "abcdefghijklmnop", "\x05\x03\x03\x02\x00\x01\x01\x01\x01\x01\x01\x02\x02\x01"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		src := &byteSource{b}
		m := randomGraph(src)
		opt := src.next(4)
		g, err := ImportWith(m, ImportOptions{FuseActivations: opt&1 != 0, FoldBatchNorm: opt&2 != 0})
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error %q", err)
			}
			return
		}
		x := nn.NewTensor(append([]int{2}, g.InputShape()...)...)
		for i := range x.Data {
			x.Data[i] = float32(i%5) - 2
		}
		g.Forward(x, false)
	})
}
