package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// stemCase is one convolution for the stem kernel and strided path tests.
type stemCase struct {
	name           string
	h, w, cin, f   int
	kh, kw, sh, sw int
	pads           [4]int // top, left, bottom, right
	act            string
	noBias         bool
}

// stemRef is naiveConv followed by the activation, in float64.
func stemRef(c stemCase, l *Conv2D, x *Tensor) []float64 {
	var b []float32
	if !c.noBias {
		b = l.bias.Value
	}
	y := naiveConv(x, l.kernel.Value, b, c.kh, c.kw, c.f, 1, c.sh, c.sw, 1, 1, c.pads[0], c.pads[1], l.g.oh, l.g.ow)
	want := make([]float64, len(y.Data))
	for i, v := range y.Data {
		want[i] = float64(v)
	}
	for r := 0; r < len(want); r += c.f {
		row := want[r : r+c.f]
		switch c.act {
		case "relu":
			for i, v := range row {
				row[i] = math.Max(v, 0)
			}
		case "relu6":
			for i, v := range row {
				row[i] = math.Min(math.Max(v, 0), 6)
			}
		case "sigmoid":
			for i, v := range row {
				row[i] = 1 / (1 + math.Exp(-v))
			}
		case "softmax":
			m := math.Inf(-1)
			for _, v := range row {
				m = math.Max(m, v)
			}
			s := 0.0
			for i, v := range row {
				row[i] = math.Exp(v - m)
				s += row[i]
			}
			for i := range row {
				row[i] /= s
			}
		}
	}
	return want
}

// stemTileKinds names the stem kernel's tile code this machine runs: the Go
// tiles, and the AVX-512 ones where the CPU has them.
func stemTileKinds() []string {
	if useStemAVX512 {
		return []string{"go", "avx512"}
	}
	return []string{"go"}
}

// runStemCase builds c, fills it with seeded values and runs a batch of two
// through engine e; it returns the layer, the output and the reference.
func runStemCase(t *testing.T, c stemCase, e Engine) (*Conv2D, *Tensor, []float64) {
	t.Helper()
	l := NewConv2D(c.f, c.kh, c.kw, WithStrides(c.sh, c.sw), WithPads(c.pads[0], c.pads[1], c.pads[2], c.pads[3]),
		WithActivation(c.act), WithUseBias(!c.noBias))
	out, err := l.Build([]int{c.h, c.w, c.cin})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(int64(c.h*31 + c.cin)))
	fillUniform(l.kernel.Value, 0.5, rng)
	if l.bias != nil {
		fillUniform(l.bias.Value, 0.5, rng)
	}
	l.setEngine(e)
	x := NewTensor(2, c.h, c.w, c.cin)
	fillUniform(x.Data, 1, rng)
	y := NewTensor(append([]int{2}, out...)...)
	for i := range y.Data {
		y.Data[i] = float32(math.NaN()) // every output must be written
	}
	l.Forward(y, x, false)
	return l, y, stemRef(c, l, x)
}

// TestConvStemMatchesReference runs convolutions with 1–4 input channels
// (kernel sizes 1–7, strides 1–3, no, symmetric and asymmetric pads, odd
// sizes, output widths below, at and above a tile, 16–128 filters (tiles
// of 64, 32 and 16 channels), with and without bias, clamping and other activations) on the
// stem kernel, with the AVX-512 tiles where the CPU has them and with the Go
// tiles, one and two workers, and compares them with a float64 convolution.
func TestConvStemMatchesReference(t *testing.T) {
	cases := []stemCase{
		{name: "resnet stem", h: 23, w: 29, cin: 3, f: 64, kh: 7, kw: 7, sh: 2, sw: 2, pads: [4]int{3, 3, 3, 3}, act: "relu"},
		{name: "resnet stem, no bias", h: 16, w: 16, cin: 3, f: 64, kh: 7, kw: 7, sh: 2, sw: 2, pads: [4]int{3, 3, 3, 3}, act: "linear", noBias: true},
		{name: "vgg 3x3", h: 9, w: 13, cin: 3, f: 128, kh: 3, kw: 3, sh: 1, sw: 1, pads: [4]int{1, 1, 1, 1}, act: "relu"},
		{name: "one channel, valid", h: 11, w: 10, cin: 1, f: 64, kh: 5, kw: 5, sh: 1, sw: 1, act: "relu6"},
		{name: "four channels, asymmetric", h: 12, w: 17, cin: 4, f: 64, kh: 5, kw: 3, sh: 2, sw: 2, pads: [4]int{0, 1, 2, 1}, act: "sigmoid"},
		{name: "two channels, strides 3 and 1", h: 14, w: 7, cin: 2, f: 64, kh: 3, kw: 4, sh: 3, sw: 1, pads: [4]int{2, 0, 1, 3}, act: "linear"},
		{name: "narrow output", h: 6, w: 5, cin: 3, f: 64, kh: 3, kw: 3, sh: 2, sw: 2, pads: [4]int{1, 1, 1, 1}, act: "relu"},
		{name: "pointwise", h: 5, w: 13, cin: 3, f: 64, kh: 1, kw: 1, sh: 1, sw: 1, act: "softmax"},
		{name: "pads beyond the kernel", h: 4, w: 4, cin: 3, f: 64, kh: 2, kw: 2, sh: 2, sw: 2, pads: [4]int{3, 3, 3, 3}, act: "relu"},
		{name: "mobilenet stem, 32 filters", h: 31, w: 33, cin: 3, f: 32, kh: 3, kw: 3, sh: 2, sw: 2, pads: [4]int{1, 1, 1, 1}, act: "relu6"},
		{name: "96 filters: three blocks of 32", h: 9, w: 30, cin: 3, f: 96, kh: 3, kw: 3, sh: 1, sw: 1, pads: [4]int{1, 1, 1, 1}, act: "relu"},
		{name: "16 filters", h: 19, w: 27, cin: 3, f: 16, kh: 3, kw: 3, sh: 2, sw: 2, pads: [4]int{0, 0, 1, 1}, act: "linear"},
		{name: "48 filters, one channel", h: 7, w: 11, cin: 1, f: 48, kh: 5, kw: 5, sh: 1, sw: 1, pads: [4]int{2, 2, 2, 2}, act: "sigmoid", noBias: true},
	}
	for _, c := range cases {
		for _, tl := range stemTileKinds() {
			for _, w := range []int{1, 2} {
				t.Run(fmt.Sprintf("%s/%s/workers=%d", c.name, tl, w), func(t *testing.T) {
					e := Engine{Workers: w, PackWeights: true}
					e.opts.stemGo = tl == "go"
					l, y, want := runStemCase(t, c, e)
					if !l.stemOK() {
						t.Fatal("the convolution did not take the stem kernel")
					}
					if err := maxRelErr(y.Data, want); !(err <= 1e-6) {
						t.Errorf("max relative error %.3g, expected ≤ 1e-6", err)
					}
				})
			}
		}
	}
}

// TestConvStridedMatchesReference runs stride-2 and stride-3 convolutions
// with 16–64 input channels on the strided path (even and odd sizes,
// symmetric, asymmetric and no pads, filters that are and are not
// multiples of the GEMM panel, packed kernels or not, row blocks and
// output-channel blocks, one and two workers; at most a tenth of junk
// rows, or the layer stays on im2col) and compares them with a
// float64 convolution.
func TestConvStridedMatchesReference(t *testing.T) {
	cases := []stemCase{
		{name: "resnet 3x3/2", h: 12, w: 22, cin: 16, f: 32, kh: 3, kw: 3, sh: 2, sw: 2, pads: [4]int{1, 1, 1, 1}, act: "relu"},
		{name: "odd size", h: 13, w: 21, cin: 24, f: 40, kh: 3, kw: 3, sh: 2, sw: 2, pads: [4]int{1, 1, 1, 1}, act: "linear"},
		{name: "valid, no bias", h: 15, w: 22, cin: 16, f: 48, kh: 3, kw: 3, sh: 2, sw: 2, act: "relu6", noBias: true},
		{name: "asymmetric pads", h: 10, w: 21, cin: 32, f: 64, kh: 3, kw: 3, sh: 2, sw: 2, pads: [4]int{0, 1, 1, 0}, act: "relu"},
		{name: "5x5/3", h: 17, w: 32, cin: 16, f: 16, kh: 5, kw: 5, sh: 3, sw: 3, pads: [4]int{2, 2, 2, 2}, act: "sigmoid"},
		{name: "2x2/2", h: 8, w: 20, cin: 16, f: 96, kh: 2, kw: 2, sh: 2, sw: 2, act: "linear"},
		{name: "output channels split", h: 6, w: 22, cin: 64, f: 256, kh: 3, kw: 3, sh: 2, sw: 2, pads: [4]int{1, 1, 1, 1}, act: "relu"},
	}
	for _, c := range cases {
		for _, pack := range []bool{false, true} {
			for _, w := range []int{1, 2} {
				t.Run(fmt.Sprintf("%s/pack=%v/workers=%d", c.name, pack, w), func(t *testing.T) {
					e := Engine{Workers: w, PackWeights: pack}
					e.opts.convBlockPixels = 8 // several row blocks per image
					l, y, want := runStemCase(t, c, e)
					if !l.stridedOK() {
						t.Fatal("the convolution did not take the strided path")
					}
					if err := maxRelErr(y.Data, want); !(err <= 1e-6) {
						t.Errorf("max relative error %.3g, expected ≤ 1e-6", err)
					}
					if c.f >= 128 && w == 2 && l.cb < 2 {
						t.Errorf("the work was not split by output channels (%d blocks)", l.cb)
					}
				})
			}
		}
	}
}

// TestConvStemDispatch pins which convolutions take the stem kernel and
// the strided path.
func TestConvStemDispatch(t *testing.T) {
	cases := []struct {
		name          string
		cin, f        int
		k, s, groups  int
		path          string
		stem, strided bool
	}{
		{"resnet stem", 3, 64, 7, 2, 1, "", true, false},
		{"four channels", 4, 128, 3, 1, 1, "", true, false},
		{"five channels", 5, 64, 3, 2, 1, "", false, false},
		{"32 filters", 3, 32, 3, 1, 1, "", true, false},
		{"24 filters", 3, 24, 3, 1, 1, "", false, false},
		{"grouped", 4, 64, 3, 1, 2, "", false, false},
		{"stride 2, 64 channels", 64, 128, 3, 2, 1, "", false, true},
		{"stride 2, 8 pixels wide", 64, 128, 3, 2, 1, "narrow", false, false},
		{"stride 2, 15 channels", 15, 128, 3, 2, 1, "", false, false},
		{"stride 2, 1x1", 64, 128, 1, 2, 1, "", false, false},
		{"stride 1", 64, 128, 3, 1, 1, "", false, false},
		{"im2col engine", 64, 128, 3, 2, 1, "im2col", false, false},
	}
	for _, tc := range cases {
		l := NewConv2D(tc.f, tc.k, tc.k, WithStrides(tc.s, tc.s), WithGroups(tc.groups), WithPadding("same"))
		size := 40
		if tc.path == "narrow" { // 9 product rows per 8 pixels
			size = 16
		}
		if _, err := l.Build([]int{size, size, tc.cin}); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		e := testEngine(1, 0, tc.path)
		e.opts.stemGo = true
		l.setEngine(e)
		if got := l.stemOK(); got != tc.stem {
			t.Errorf("%s: stem kernel %v, expected %v", tc.name, got, tc.stem)
		}
		if got := l.stridedOK(); got != tc.strided {
			t.Errorf("%s: strided path %v, expected %v", tc.name, got, tc.strided)
		}
		e.opts.stemOff = true
		l.setEngine(e)
		if l.stemOK() || l.stridedOK() {
			t.Errorf("%s: taken with stemOff", tc.name)
		}
	}
}

// TestStemTilesPanics checks that stemTiles refuses slices too short for
// its tiles instead of reading or writing past them.
func TestStemTilesPanics(t *testing.T) {
	y, x, k, b := make([]float32, 6*64), make([]float32, 3*6), make([]float32, 3*64), make([]float32, 64)
	stemTiles(4, 6, y, 64, x, 3, 18, k, 64, 1, 3, b, 1, -1, 1, true) // fits
	for _, bad := range []struct {
		name string
		run  func()
	}{
		{"short y", func() { stemTiles(4, 6, y[:5*64], 64, x, 3, 18, k, 64, 1, 3, b, 1, -1, 1, false) }},
		{"short x", func() { stemTiles(4, 6, y, 64, x[:17], 3, 18, k, 64, 1, 3, b, 1, -1, 1, false) }},
		{"short kernel", func() { stemTiles(4, 6, y, 64, x, 3, 18, k[:191], 64, 1, 3, b, 1, -1, 1, false) }},
		{"short bias", func() { stemTiles(4, 6, y, 64, x, 3, 18, k, 64, 1, 3, b[:63], 1, -1, 1, false) }},
		{"bad tile", func() { stemTiles(4, 12, y, 64, x, 3, 18, k, 64, 1, 3, b, 1, -1, 1, false) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", bad.name)
				}
			}()
			bad.run()
		}()
	}
}

// TestConvStemResNet18 runs ResNet-18 (224×224, random weights) with and
// without the stem kernel and the strided path and compares every node's
// output: the stem and the 56→28 and 28→14 stride-2 convolutions take the
// new paths at full size, and nothing after them may move by more than
// float32 rounding.
func TestConvStemResNet18(t *testing.T) {
	g := resNet18(t, false)
	x := NewTensor(1, 224, 224, 3)
	fillUniform(x.Data, 1, rand.New(rand.NewSource(2)))
	e := Engine{PackWeights: true}
	e.opts.stemOff = true
	g.SetEngine(e)
	g.Forward(x, false)
	want := make([][]float32, len(g.order))
	for i, n := range g.order {
		want[i] = append([]float32(nil), n.out.Data...)
	}
	e.opts.stemOff = false
	g.SetEngine(e)
	g.Forward(x, false)
	taken := 0
	for i, n := range g.order {
		if c, ok := n.layer.(*Conv2D); ok && (c.stemOK() || c.stridedOK()) {
			taken++
		}
		w := make([]float64, len(want[i]))
		for j, v := range want[i] {
			w[j] = float64(v)
		}
		if err := maxRelErr(n.out.Data, w); !(err <= 1e-5) {
			t.Errorf("%s: max relative error %.3g against the old paths, expected ≤ 1e-5", n.name, err)
		}
	}
	expect := 2 // 56→28 and 28→14; the stem too with AVX-512
	if useStemAVX512 {
		expect = 3
	}
	if taken != expect {
		t.Errorf("%d convolutions took the new paths, expected %d", taken, expect)
	}
}
