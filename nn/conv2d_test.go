package nn

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

func TestConv2DGradients(t *testing.T) {
	conv := func(f, kh, kw int, opts ...Option) func() Layer {
		return func() Layer { return NewConv2D(f, kh, kw, opts...) }
	}
	cases := []gradCase{
		{name: "valid", layer: conv(3, 3, 3), in: []int{5, 6, 2}, batch: 2},
		{name: "valid stride 2", layer: conv(2, 3, 3, WithStrides(2, 2)), in: []int{7, 6, 2}, batch: 2},
		{name: "same", layer: conv(3, 3, 3, WithPadding("same")), in: []int{5, 4, 2}, batch: 2},
		{name: "same stride 2", layer: conv(2, 3, 2, WithPadding("same"), WithStrides(2, 2)), in: []int{5, 6, 3}, batch: 2},
		{name: "same even kernel", layer: conv(2, 2, 4, WithPadding("same"), WithStrides(1, 2)), in: []int{4, 5, 2}, batch: 1},
		{name: "no bias", layer: conv(2, 2, 2, WithUseBias(false)), in: []int{4, 4, 1}, batch: 3},
		{name: "relu", layer: conv(4, 3, 3, WithActivation("relu")), in: []int{5, 5, 2}, batch: 2, prep: splitBias},
		{name: "sigmoid", layer: conv(2, 3, 3, WithActivation("sigmoid")), in: []int{4, 5, 2}, batch: 2},
		{name: "tanh", layer: conv(2, 3, 3, WithActivation("tanh"), WithPadding("same")), in: []int{4, 5, 2}, batch: 2},
		{name: "softmax", layer: conv(3, 2, 2, WithActivation("softmax")), in: []int{4, 4, 2}, batch: 2},
		// Tall images: several row blocks per image (with pixels=1), so
		// Backward's even/odd phases and block offsets are exercised.
		{name: "tall valid", layer: conv(2, 3, 3), in: []int{11, 4, 2}, batch: 2},
		{name: "tall same", layer: conv(2, 2, 2, WithPadding("same"), WithActivation("tanh")), in: []int{9, 3, 1}, batch: 3},
		{name: "tall stride 2", layer: conv(2, 3, 1, WithStrides(2, 1), WithPadding("same")), in: []int{13, 2, 2}, batch: 1},
	}
	for _, path := range []string{"direct", "im2col"} { // valid stride-1 cases take either path
		for _, w := range []int{1, 2, 3} {
			for _, pixels := range []int{256, 1} { // one block per image, or one output row per block
				for _, c := range cases {
					t.Run(fmt.Sprintf("%s/%s/workers=%d/pixels=%d", c.name, path, w, pixels), func(t *testing.T) {
						c.eng = testEngine(w, pixels, path)
						checkGradients(t, c)
					})
				}
			}
		}
	}
}

// x16 is the 4×4 image 1..16, one channel.
func x16() *Tensor {
	x := NewTensor(1, 4, 4, 1)
	for i := range x.Data {
		x.Data[i] = float32(i + 1)
	}
	return x
}

func TestConv2DHandComputed(t *testing.T) {
	// Kernel [[1, 2], [3, 4]] over the image 1..16: inside the image every
	// output is 1·x + 2·(x+1) + 3·(x+4) + 4·(x+5) = 10x + 34 for the
	// top-left pixel x; "same" pads one zero row and column after.
	cases := []struct {
		name    string
		opts    []Option
		h, w    int
		want    []float32
		padding string
	}{
		{"valid", nil, 3, 3, []float32{44, 54, 64, 84, 94, 104, 124, 134, 144}, ""},
		{"valid stride 2", []Option{WithStrides(2, 2)}, 2, 2, []float32{44, 64, 124, 144}, ""},
		{"same", []Option{WithPadding("same")}, 4, 4, []float32{
			44, 54, 64, 4 + 3*8,
			84, 94, 104, 8 + 3*12,
			124, 134, 144, 12 + 3*16,
			13 + 2*14, 14 + 2*15, 15 + 2*16, 16}, ""},
		{"same stride 2", []Option{WithPadding("same"), WithStrides(2, 2)}, 2, 2, []float32{44, 64, 124, 144}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := NewConv2D(1, 2, 2, c.opts...)
			out, err := l.Build([]int{4, 4, 1})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(out, []int{c.h, c.w, 1}) {
				t.Fatalf("output shape %v, want (%d, %d, 1)", out, c.h, c.w)
			}
			copy(l.kernel.Value, []float32{1, 2, 3, 4})
			l.bias.Value[0] = 0.5
			y := NewTensor(1, c.h, c.w, 1)
			l.Forward(y, x16(), false)
			for i, want := range c.want {
				if y.Data[i] != want+0.5 {
					t.Errorf("y[%d] = %g, want %g", i, y.Data[i], want+0.5)
				}
			}
		})
	}
}

func TestConv2DKerasLayout(t *testing.T) {
	// A 1×1 kernel (1, 1, cin=2, cout=3) is a per-pixel matrix product with
	// the kernel read as (cin, cout): y[o] = Σ_c x[c]·K[c, o].
	l := NewConv2D(3, 1, 1)
	if _, err := l.Build([]int{1, 2, 2}); err != nil {
		t.Fatal(err)
	}
	copy(l.kernel.Value, []float32{1, 2, 3, 10, 20, 30})
	x := &Tensor{Shape: []int{1, 1, 2, 2}, Data: []float32{1, 2, 3, 4}}
	y := NewTensor(1, 1, 2, 3)
	l.Forward(y, x, false)
	want := []float32{21, 42, 63, 43, 86, 129}
	if !slices.Equal(y.Data, want) {
		t.Errorf("y = %v, want %v", y.Data, want)
	}
}

func TestConv2DWorkersAgree(t *testing.T) {
	// Forward is exact whatever the split; Backward sums in a fixed order
	// for a given Workers, so it repeats bit for bit.
	run := func(w int) (y, dx *Tensor, dk []float32) {
		l := NewConv2D(8, 3, 3, WithActivation("tanh"), WithPadding("same"))
		l.setEngine(testEngine(w, 20, ""))
		l.Build([]int{12, 11, 5})
		l.Init(rand.New(rand.NewSource(1)))
		x := NewTensor(3, 12, 11, 5)
		fillUniform(x.Data, 1, rand.New(rand.NewSource(2)))
		y = NewTensor(3, 12, 11, 8)
		l.Forward(y, x, true)
		dy := NewTensor(y.Shape...)
		fillUniform(dy.Data, 1, rand.New(rand.NewSource(4)))
		dx = NewTensor(x.Shape...)
		l.Backward(dx, dy, x, y)
		dk = slices.Clone(l.kernel.Grad)
		return
	}
	y1, dx1, dk1 := run(1)
	for _, w := range []int{2, 5} {
		y, dx, dk := run(w)
		if !slices.Equal(y.Data, y1.Data) {
			t.Errorf("workers=%d: forward differs from workers=1", w)
		}
		if d := maxRelDiff(dx.Data, dx1.Data); d > 1e-5 {
			t.Errorf("workers=%d: dx differs by %g", w, d)
		}
		if d := maxRelDiff(dk, dk1); d > 1e-5 {
			t.Errorf("workers=%d: dkernel differs by %g", w, d)
		}
		_, dx2, dk2 := run(w)
		if !slices.Equal(dx2.Data, dx.Data) || !slices.Equal(dk2, dk) {
			t.Errorf("workers=%d: Backward is not deterministic", w)
		}
	}
}

// maxRelDiff is max |a-b| / (1 + |b|).
func maxRelDiff(a, b []float32) float64 {
	var m float64
	for i := range a {
		m = math.Max(m, math.Abs(float64(a[i]-b[i]))/(1+math.Abs(float64(b[i]))))
	}
	return m
}

func TestConv2DBuildErrors(t *testing.T) {
	cases := []struct {
		layer *Conv2D
		in    []int
		want  string
	}{
		{NewConv2D(32, 3, 3), []int{6272}, "Conv2D: expected input of rank 3 (height, width, channels), received (6272,)"},
		{NewConv2D(32, 3, 3), []int{2, 2, 1}, "Conv2D: kernel 3×3 larger than input 2×2"},
		{NewConv2D(0, 3, 3), []int{8, 8, 1}, "Conv2D: expected filters > 0, received 0"},
		{NewConv2D(4, 3, 0), []int{8, 8, 1}, "Conv2D: expected positive kernel_size, received (3, 0)"},
		{NewConv2D(4, 3, 3, WithStrides(0, 1)), []int{8, 8, 1}, "Conv2D: expected positive strides, received (0, 1)"},
		{NewConv2D(4, 3, 3, WithPadding("full")), []int{8, 8, 1}, `Conv2D: expected padding "valid" or "same", received "full"`},
		{NewConv2D(4, 3, 3, WithActivation("rleu")), []int{8, 8, 1}, `Conv2D: unknown activation "rleu" (expected one of linear, relu, sigmoid, tanh, softmax, relu6)`},
	}
	for _, c := range cases {
		_, err := c.layer.Build(c.in)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("Build(%v) = %v, want %q", c.in, err, c.want)
		}
	}
	// A "same" convolution accepts a kernel larger than the input.
	if _, err := NewConv2D(1, 3, 3, WithPadding("same")).Build([]int{2, 2, 1}); err != nil {
		t.Errorf("same padding, small input: %v", err)
	}
}

func TestConv2DShapePanics(t *testing.T) {
	l := NewConv2D(2, 3, 3)
	l.Build([]int{5, 5, 1})
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(fmt.Sprint(r), "expected input of shape (1, 5, 5, 1), received (1, 5, 4, 1)") {
			t.Errorf("panic %v", r)
		}
	}()
	l.Forward(NewTensor(1, 3, 3, 2), NewTensor(1, 5, 4, 1), false)
}

func TestConv2DGlorotInit(t *testing.T) {
	l := NewConv2D(64, 3, 3)
	l.Build([]int{10, 10, 32})
	for i := range l.bias.Value {
		l.bias.Value[i] = 1
	}
	l.Init(rand.New(rand.NewSource(1)))
	limit := math.Sqrt(6 / float64(3*3*32+3*3*64))
	var sum, sq float64
	for _, v := range l.kernel.Value {
		if math.Abs(float64(v)) > limit {
			t.Fatalf("kernel value %g outside ±%g", v, limit)
		}
		sum += float64(v)
		sq += float64(v) * float64(v)
	}
	n := float64(len(l.kernel.Value))
	// U(-a, a) has variance a²/3.
	if v := sq / n; math.Abs(v-limit*limit/3) > 0.05*limit*limit/3 {
		t.Errorf("kernel variance %g, want %g", v, limit*limit/3)
	}
	if m := sum / n; math.Abs(m) > 0.02*limit {
		t.Errorf("kernel mean %g, want ≈ 0", m)
	}
	for _, b := range l.bias.Value {
		if b != 0 {
			t.Fatalf("bias %g after Init, want 0", b)
		}
	}
}

func ExampleNewConv2D() {
	// One 2×2 filter with "same" padding over the 4×4 image 1..16. The
	// kernel is in Keras' (kh, kw, cin, cout) layout; the bias is zero.
	m, err := NewSequential([]int{4, 4, 1}, NewConv2D(1, 2, 2, WithPadding("same")))
	if err != nil {
		panic(err)
	}
	copy(m.Params()[0].Value, []float32{1, 2, 3, 4})
	y := m.Predict(x16())
	fmt.Println(m.OutputShape())
	for i := 0; i < 4; i++ {
		fmt.Println(y.Data[i*4 : i*4+4])
	}
	// Output:
	// [4 4 1]
	// [44 54 64 28]
	// [84 94 104 44]
	// [124 134 144 60]
	// [41 44 47 16]
}

func TestConv2DSplit(t *testing.T) {
	// Few images are cut into blocks that divide evenly among the workers.
	cases := []struct {
		size, batch, workers int
		wantRows, wantBlocks int
	}{
		{17, 1, 2, 8, 2},   // conv2d_4 of one image: 15 rows in two blocks
		{36, 1, 2, 6, 6},   // conv2d_3: 34 rows, 7 per block would give 5 blocks
		{17, 3, 2, 8, 2},   // three images: six items
		{17, 20, 2, 15, 1}, // a training batch keeps whole images
		{74, 1, 1, 3, 24},  // one worker: no change
		{5, 1, 4, 3, 1},    // 3 output rows cannot make 4 blocks of >= 3 rows (backward)
		{8, 1, 2, 3, 2},    // 6 rows make 2 blocks of exactly the minimum 3 rows
		{17, 7, 3, 8, 2},   // 14 items >= 4 per worker: stop there, though 14 % 3 != 0
	}
	for _, c := range cases {
		l := NewConv2D(4, 3, 3)
		l.setEngine(Engine{Workers: c.workers})
		if _, err := l.Build([]int{c.size, c.size, 2}); err != nil {
			t.Fatal(err)
		}
		l.split(c.batch, 3)
		if l.rows != c.wantRows || l.blocks != c.wantBlocks {
			t.Errorf("%d×%d, batch %d, %d workers: %d rows × %d blocks, want %d × %d",
				c.size, c.size, c.batch, c.workers, l.rows, l.blocks, c.wantRows, c.wantBlocks)
		}
	}
}

func TestConv2DDirectMatchesIm2col(t *testing.T) {
	// The direct path (stride 1, valid) and im2col compute the same
	// outputs and gradients, for whole images and for images split into
	// row ranges (batch 1), with and without dx, on any number of workers.
	run := func(path string, w, batch int, act string, kh, kw int, withDx bool) (y, dx *Tensor, dk, db []float32) {
		l := NewConv2D(7, kh, kw, WithActivation(act))
		l.setEngine(testEngine(w, 0, path))
		if _, err := l.Build([]int{13, 11, 5}); err != nil {
			t.Fatal(err)
		}
		if path == "direct" && !l.direct() {
			t.Fatal("the direct path is not taken")
		}
		l.Init(rand.New(rand.NewSource(1)))
		fillUniform(l.bias.Value, 0.3, rand.New(rand.NewSource(3)))
		x := NewTensor(batch, 13, 11, 5)
		fillUniform(x.Data, 1, rand.New(rand.NewSource(2)))
		y = NewTensor(batch, 13-kh+1, 11-kw+1, 7)
		l.Forward(y, x, true)
		dy := NewTensor(y.Shape...)
		fillUniform(dy.Data, 1, rand.New(rand.NewSource(4)))
		if withDx {
			dx = NewTensor(x.Shape...)
			fillUniform(dx.Data, 9, rand.New(rand.NewSource(5))) // must be overwritten
		}
		l.Backward(dx, dy, x, y)
		dk, db = slices.Clone(l.kernel.Grad), slices.Clone(l.bias.Grad)
		return
	}
	for _, c := range []struct {
		act    string
		kh, kw int
	}{{"relu", 3, 3}, {"tanh", 2, 4}, {"linear", 1, 1}} {
		for _, batch := range []int{1, 3} {
			for _, w := range []int{1, 2, 4} {
				for _, withDx := range []bool{true, false} {
					name := fmt.Sprintf("%s/%dx%d/batch=%d/workers=%d/dx=%v", c.act, c.kh, c.kw, batch, w, withDx)
					y1, dx1, dk1, db1 := run("im2col", w, batch, c.act, c.kh, c.kw, withDx)
					y2, dx2, dk2, db2 := run("direct", w, batch, c.act, c.kh, c.kw, withDx)
					if d := maxRelDiff(y2.Data, y1.Data); d > 1e-6 {
						t.Errorf("%s: y differs by %g", name, d)
					}
					if withDx {
						if d := maxRelDiff(dx2.Data, dx1.Data); d > 1e-6 {
							t.Errorf("%s: dx differs by %g", name, d)
						}
					}
					if d := maxRelDiff(dk2, dk1); d > 1e-5 {
						t.Errorf("%s: dkernel differs by %g", name, d)
					}
					if d := maxRelDiff(db2, db1); d > 1e-5 {
						t.Errorf("%s: dbias differs by %g", name, d)
					}
				}
			}
		}
	}
}
