package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// dwCase is one shape of a 3×3 depthwise convolution.
type dwCase struct {
	h, w, c int
	sh, sw  int
	pads    [4]int // top, left, bottom, right
}

// dwCases covers MobileNetV2's shapes in small (stride 1 and 2, pads 1),
// asymmetric and absent padding, inputs narrower than a tile and wider,
// channel counts that are and are not multiples of 8 (assembly and Go).
var dwCases = []dwCase{
	{h: 6, w: 7, c: 8, sh: 1, sw: 1, pads: [4]int{1, 1, 1, 1}},
	{h: 7, w: 7, c: 16, sh: 2, sw: 2, pads: [4]int{1, 1, 1, 1}},
	{h: 8, w: 8, c: 24, sh: 2, sw: 2, pads: [4]int{1, 1, 1, 1}},
	{h: 5, w: 9, c: 32, sh: 1, sw: 1, pads: [4]int{0, 0, 0, 0}},
	{h: 9, w: 6, c: 40, sh: 2, sw: 2, pads: [4]int{0, 1, 1, 0}}, // TensorFlow's "same" at stride 2
	{h: 4, w: 5, c: 8, sh: 1, sw: 2, pads: [4]int{2, 0, 1, 3}},
	{h: 3, w: 3, c: 16, sh: 1, sw: 1, pads: [4]int{1, 1, 1, 1}}, // every pixel on a border
	{h: 2, w: 2, c: 8, sh: 1, sw: 1, pads: [4]int{1, 1, 1, 1}},  // no interior at all
	{h: 5, w: 60, c: 144, sh: 1, sw: 1, pads: [4]int{1, 1, 1, 1}},
	{h: 5, w: 61, c: 96, sh: 2, sw: 2, pads: [4]int{1, 1, 1, 1}},
	{h: 3, w: 140, c: 8, sh: 1, sw: 1, pads: [4]int{1, 1, 1, 1}}, // three tiles a row (dwTilePixels)
	{h: 6, w: 5, c: 3, sh: 1, sw: 1, pads: [4]int{1, 1, 1, 1}},   // Go fallback
	{h: 7, w: 6, c: 12, sh: 2, sw: 2, pads: [4]int{1, 1, 1, 1}},  // Go fallback
}

func (d dwCase) String() string {
	return fmt.Sprintf("%dx%dx%d/s%d%d/p%d%d%d%d", d.h, d.w, d.c, d.sh, d.sw, d.pads[0], d.pads[1], d.pads[2], d.pads[3])
}

// TestDepthwise3x3AgainstReference compares the fused kernel (bias and
// activation included) with the textbook convolution followed by the
// activation, for every case, activation, with and without bias, on 1 and
// 3 workers and with work items of a few pixels.
func TestDepthwise3x3AgainstReference(t *testing.T) {
	for _, d := range dwCases {
		for _, act := range []string{"linear", "relu", "relu6"} {
			for _, bias := range []bool{true, false} {
				for _, workers := range []int{1, 3} {
					name := fmt.Sprintf("%v/%s/bias=%v/workers=%d", d, act, bias, workers)
					t.Run(name, func(t *testing.T) { checkDepthwise3x3(t, d, act, bias, workers) })
				}
			}
		}
	}
}

func checkDepthwise3x3(t *testing.T, d dwCase, act string, bias bool, workers int) {
	checkDepthwise(t, d, 3, act, bias, workers, func(l *Conv2D) {
		if !l.dw3x3() {
			t.Fatal("the layer does not take the fused 3×3 depthwise kernel")
		}
	})
}

// checkDepthwise builds a k×k depthwise layer for case d, lets path check
// (or skip on) which kernel the layer takes, and compares its forward pass
// (bias and activation included, every value written) with the textbook
// convolution followed by the activation.
func checkDepthwise(t *testing.T, d dwCase, k int, act string, bias bool, workers int, path func(l *Conv2D)) {
	l := NewConv2D(d.c, k, k, WithGroups(d.c), WithStrides(d.sh, d.sw), WithActivation(act),
		WithUseBias(bias), WithPads(d.pads[0], d.pads[1], d.pads[2], d.pads[3]))
	out, err := l.Build([]int{d.h, d.w, d.c})
	if err != nil {
		t.Fatal(err)
	}
	path(l)
	rng := rand.New(rand.NewSource(int64(d.h*100 + d.c)))
	fillUniform(l.kernel.Value, 1, rng)
	var b []float32
	if bias {
		fillUniform(l.bias.Value, 1, rng)
		b = l.bias.Value
	}
	x := NewTensor(2, d.h, d.w, d.c)
	fillUniform(x.Data, 2, rng)
	y := NewTensor(2, out[0], out[1], out[2])
	for i := range y.Data {
		y.Data[i] = float32(math.NaN()) // every value must be written
	}
	l.setEngine(testEngine(workers, 5, ""))
	l.Forward(y, x, false)
	want := naiveConv(x, l.kernel.Value, b, k, k, d.c, d.c, d.sh, d.sw, 1, 1, d.pads[0], d.pads[1], out[0], out[1])
	l.act.apply(want.Data)
	for i, v := range y.Data {
		if e := want.Data[i]; !(math.Abs(float64(v-e)) <= 1e-5*max(1, math.Abs(float64(e)))) {
			t.Fatalf("y[%d] = %g, expected %g", i, v, e)
		}
	}
}

// TestDepthwise3x3RowGoMatchesAssembly runs the assembly and the Go
// fallback on the same rows (strides 1 and 2, 1 to 9 pixels) and
// compares them; their only difference is the rounding of fused
// multiply-adds.
func TestDepthwise3x3RowGoMatchesAssembly(t *testing.T) {
	if !useSIMD {
		t.Skip("no AVX2 on this machine: dw3x3Row is dw3x3RowGo")
	}
	rng := rand.New(rand.NewSource(5))
	for _, c := range []int{8, 16, 144} {
		for _, sw := range []int{1, 2} {
			for n := 1; n <= 9; n++ {
				lo, hi := float32(-0.5), float32(0.75)
				need := (n-1)*sw*c + 3*c
				x0, x1, x2 := make([]float32, need), make([]float32, need), make([]float32, need)
				k, b := make([]float32, 9*c), make([]float32, c)
				for _, v := range [][]float32{x0, x1, x2, k, b} {
					fillUniform(v, 1, rng)
				}
				got, want := make([]float32, n*c), make([]float32, n*c)
				dw3x3Row(got, x0, x1, x2, k, b, n, c, sw*c, lo, hi)
				dw3x3RowGo(want, x0, x1, x2, k, b, n, c, sw*c, lo, hi)
				clamped := 0
				for i := range got {
					if math.Abs(float64(got[i]-want[i])) > 1e-5 {
						t.Fatalf("c=%d sw=%d n=%d: y[%d] = %g, Go %g", c, sw, n, i, got[i], want[i])
					}
					if want[i] == lo || want[i] == hi {
						clamped++
					}
				}
				if n == 9 && clamped == 0 {
					t.Errorf("c=%d sw=%d: no value reached the clamp; the test does not check it", c, sw)
				}
			}
		}
	}
}

// TestDepthwise3x3NaN: a NaN in the input stays NaN through the fused
// ReLU6, in the assembly and in Go, as in the unfused path (divergence
// must be noticed).
func TestDepthwise3x3NaN(t *testing.T) {
	for _, c := range []int{8, 5} {
		l := NewConv2D(c, 3, 3, WithGroups(c), WithActivation("relu6"), WithPads(1, 1, 1, 1))
		if _, err := l.Build([]int{4, 4, c}); err != nil {
			t.Fatal(err)
		}
		fillUniform(l.kernel.Value, 1, rand.New(rand.NewSource(1)))
		x := NewTensor(1, 4, 4, c)
		x.Data[(1*4+1)*c] = float32(math.NaN()) // pixel (1, 1), channel 0
		y := NewTensor(1, 4, 4, c)
		l.Forward(y, x, false)
		for i := 0; i < 4; i++ {
			for j := 0; j < 4; j++ {
				v := y.Data[(i*4+j)*c]
				if near := i <= 2 && j <= 2; near != math.IsNaN(float64(v)) {
					t.Errorf("c=%d: y[%d, %d, 0] = %g (NaN expected: %v)", c, i, j, v, near)
				}
				if math.IsNaN(float64(y.Data[(i*4+j)*c+1])) {
					t.Errorf("c=%d: y[%d, %d, 1] is NaN; only channel 0 read the NaN", c, i, j)
				}
			}
		}
	}
}

// TestDepthwise3x3Qualifies pins which layers take the fused kernel.
func TestDepthwise3x3Qualifies(t *testing.T) {
	for _, tc := range []struct {
		l    *Conv2D
		in   []int
		want bool
	}{
		{NewConv2D(8, 3, 3, WithGroups(8), WithActivation("relu6")), []int{5, 5, 8}, true},
		{NewConv2D(8, 3, 3, WithGroups(8), WithStrides(2, 2), WithPadding("same")), []int{5, 5, 8}, true},
		{NewConv2D(8, 3, 3, WithGroups(8), WithActivation("tanh")), []int{5, 5, 8}, false},
		{NewConv2D(16, 3, 3, WithGroups(8)), []int{5, 5, 8}, false}, // depth multiplier 2
		{NewConv2D(8, 3, 3, WithGroups(8), WithDilation(2, 2)), []int{7, 7, 8}, false},
		{NewConv2D(8, 5, 5, WithGroups(8)), []int{7, 7, 8}, false},
		{NewConv2D(8, 3, 3, WithGroups(4)), []int{5, 5, 8}, false}, // grouped, not depthwise
	} {
		if _, err := tc.l.Build(tc.in); err != nil {
			t.Fatal(err)
		}
		if got := tc.l.dw3x3(); got != tc.want {
			t.Errorf("%v: dw3x3() = %v, expected %v", tc.l.Config(), got, tc.want)
		}
	}
}

// BenchmarkDepthwise3x3 times MobileNetV2's depthwise layers (224×224
// input, batch 1, one goroutine), each a whole image, on the fused kernel
// and on the general depthwise path followed by the bias and activation
// pass (what every depthwise layer ran before the fused kernel).
func BenchmarkDepthwise3x3(b *testing.B) {
	for _, s := range []struct{ hw, c, stride int }{
		{112, 32, 1}, {112, 96, 2}, {56, 144, 1}, {56, 144, 2}, {28, 192, 1}, {28, 192, 2},
		{14, 384, 1}, {14, 576, 1}, {14, 576, 2}, {7, 960, 1},
	} {
		l := NewConv2D(s.c, 3, 3, WithGroups(s.c), WithStrides(s.stride, s.stride), WithActivation("relu6"), WithPads(1, 1, 1, 1))
		out, err := l.Build([]int{s.hw, s.hw, s.c})
		if err != nil {
			b.Fatal(err)
		}
		rng := rand.New(rand.NewSource(1))
		fillUniform(l.kernel.Value, 1, rng)
		fillUniform(l.bias.Value, 1, rng)
		x := NewTensor(1, s.hw, s.hw, s.c)
		fillUniform(x.Data, 1, rng)
		y := NewTensor(1, out[0], out[1], out[2])
		l.setEngine(Engine{Workers: 1})
		l.prepareDepthwise()
		for _, path := range []string{"fused", "general"} {
			b.Run(fmt.Sprintf("%dx%dx%d/s%d/%s", s.hw, s.hw, s.c, s.stride, path), func(b *testing.B) {
				c0 := cpuTime()
				for b.Loop() {
					if path == "fused" {
						l.depthwise3x3(y.Data, x.Data, 0, out[0], 0)
					} else {
						l.depthwiseForward(y.Data, x.Data, 0, out[0])
						biasAct(y.Data, l.bias.Value, s.c, l.act)
					}
				}
				b.ReportMetric(float64(cpuTime()-c0)/1e3/float64(b.N), "cpu-µs/op")
			})
		}
	}
}
