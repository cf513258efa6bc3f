package nn

import (
	"fmt"
	"math/rand"
	"testing"
)

// resNet18 builds torchvision's ResNet-18 as an ONNX export of it reads
// (BatchNorm folded into the convolutions, explicit symmetric padding),
// with random weights: a 7×7/2 stem, 3×3/2 max pooling, four stages of two
// basic blocks (64, 128, 256, 512 channels; 1×1/2 shortcuts), global
// average pooling and a 1000-way Dense. separateReLU keeps each ReLU a node
// of its own (as in the ONNX file) instead of the convolution's activation.
func resNet18(t testing.TB, separateReLU bool) *Graph {
	g := NewGraph([]int{224, 224, 3})
	add := func(l LayerBase, in ...string) string {
		name, err := g.Add(l, in...)
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	conv := func(in string, filters, k, stride, pad int, relu bool) string {
		act := "linear"
		if relu && !separateReLU {
			act = "relu"
		}
		out := add(NewConv2D(filters, k, k, WithStrides(stride, stride), WithPads(pad, pad, pad, pad), WithActivation(act)), in)
		if relu && separateReLU {
			out = add(NewReLU(0, 0, 0), out)
		}
		return out
	}
	h := conv(GraphInput, 64, 7, 2, 3, true)
	h = add(NewMaxPooling2D(3, 3, WithStrides(2, 2), WithPads(1, 1, 1, 1)), h)
	in := 64
	for stage, c := range []int{64, 128, 256, 512} {
		for block := 0; block < 2; block++ {
			stride := 1
			if stage > 0 && block == 0 {
				stride = 2
			}
			r := conv(h, c, 3, stride, 1, true)
			r = conv(r, c, 3, 1, 1, false)
			short := h
			if stride != 1 || in != c {
				short = conv(h, c, 1, stride, 0, false)
			}
			h = add(NewReLU(0, 0, 0), add(NewAdd(), r, short))
			in = c
		}
	}
	h = add(NewGlobalAveragePooling2D(), h)
	add(NewDense(1000), h)
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	g.Init(1)
	for _, p := range g.Params() {
		if len(p.Shape) == 1 {
			fillUniform(p.Value, 0.05, rng)
		}
	}
	return g
}

func TestResNet18Shapes(t *testing.T) {
	g := resNet18(t, true)
	// torchvision's 11,689,512, less one value per BatchNorm channel: the
	// folded BatchNorm leaves a bias (C) where it had gamma and beta (2C).
	if n := g.CountParams(); n != 11689512-4800 {
		t.Errorf("CountParams = %d, expected 11,684,712", n)
	}
	if s := g.OutputShape(); len(s) != 1 || s[0] != 1000 {
		t.Errorf("output %v", s)
	}
}

// BenchmarkResNet18 times one 224×224 image through ResNet-18 (inference,
// batch 1, every node's output kept), the figure issue #12 compares with
// PyTorch's 24–31 ms and ONNX Runtime's 17.5 ms on this machine.
func BenchmarkResNet18(b *testing.B) {
	for _, sep := range []bool{false, true} {
		b.Run(fmt.Sprintf("separateReLU=%v", sep), func(b *testing.B) {
			g := resNet18(b, sep)
			x := NewTensor(1, 224, 224, 3)
			fillUniform(x.Data, 1, rand.New(rand.NewSource(2)))
			g.Forward(x, false)
			b.ReportAllocs()
			b.ResetTimer()
			m := startCPU()
			for i := 0; i < b.N; i++ {
				g.Forward(x, false)
			}
			m.report(b, 1)
		})
	}
}

// mobileNetV2 builds torchvision's MobileNetV2 (width 1.0) as an ONNX export
// of it reads, BatchNorm folded, ReLU6 fused into the convolutions: a 3×3/2
// stem, 17 inverted residual blocks (1×1 expansion, 3×3 depthwise, 1×1
// projection; residual Add where the shape allows), a 1×1 convolution to
// 1280 channels, global average pooling and a 1000-way Dense.
func mobileNetV2(t testing.TB) *Graph {
	g := NewGraph([]int{224, 224, 3})
	add := func(l LayerBase, in ...string) string {
		name, err := g.Add(l, in...)
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	conv := func(in string, filters, k, stride, groups int, act string) string {
		p := k / 2
		return add(NewConv2D(filters, k, k, WithStrides(stride, stride), WithPads(p, p, p, p), WithGroups(groups), WithActivation(act)), in)
	}
	h := conv(GraphInput, 32, 3, 2, 1, "relu6")
	in := 32
	for _, s := range [][4]int{{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}} {
		t6, c, n, stride := s[0], s[1], s[2], s[3]
		for i := 0; i < n; i++ {
			st := 1
			if i == 0 {
				st = stride
			}
			r := h
			hidden := in * t6
			if t6 != 1 {
				r = conv(r, hidden, 1, 1, 1, "relu6")
			}
			r = conv(r, hidden, 3, st, hidden, "relu6")
			r = conv(r, c, 1, 1, 1, "linear")
			if st == 1 && in == c {
				r = add(NewAdd(), h, r)
			}
			h, in = r, c
		}
	}
	h = conv(h, 1280, 1, 1, 1, "relu6")
	h = add(NewGlobalAveragePooling2D(), h)
	add(NewDense(1000), h)
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	g.Init(1)
	return g
}

func TestMobileNetV2Shapes(t *testing.T) {
	g := mobileNetV2(t)
	// torchvision's 3,504,872 less one value per BatchNorm channel (17,056
	// channels in 52 BatchNorms): folded, each leaves a bias.
	if n := g.CountParams(); n != 3504872-17056 {
		t.Errorf("CountParams = %d, expected %d", n, 3504872-17056)
	}
}

// BenchmarkMobileNetV2 times one 224×224 image through MobileNetV2
// (inference, batch 1): issue #12 compares it with PyTorch's ~41 ms and ONNX
// Runtime's 4–5 ms here.
func BenchmarkMobileNetV2(b *testing.B) {
	g := mobileNetV2(b)
	x := NewTensor(1, 224, 224, 3)
	fillUniform(x.Data, 1, rand.New(rand.NewSource(2)))
	g.Forward(x, false)
	b.ReportAllocs()
	b.ResetTimer()
	m := startCPU()
	for i := 0; i < b.N; i++ {
		g.Forward(x, false)
	}
	m.report(b, 1)
}
