package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// refMaxPool is a plain max pooling: each window folded in row-major order
// from its first real input with v > d (a later NaN never wins), a window
// wholly in the padding giving 0, as pool.go documents.
func refMaxPool(x []float32, h, w, c int, g *window) []float32 {
	y := make([]float32, g.oh*g.ow*c)
	for oy := 0; oy < g.oh; oy++ {
		for ox := 0; ox < g.ow; ox++ {
			for k := 0; k < c; k++ {
				first, m := true, float32(0)
				for i := 0; i < g.kh; i++ {
					for j := 0; j < g.kw; j++ {
						iy, ix := oy*g.sh+i-g.pt, ox*g.sw+j-g.pl
						if iy < 0 || iy >= h || ix < 0 || ix >= w {
							continue
						}
						if v := x[(iy*w+ix)*c+k]; first || v > m {
							m, first = v, false
						}
					}
				}
				y[(oy*g.ow+ox)*c+k] = m
			}
		}
	}
	return y
}

// samePool reports whether a and b are the same bits (NaN payloads and the
// sign of zero included).
func samePool(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) }

// TestMaxPool3 compares the 3×3 path (pool3.go) with the general path and
// a plain reference bit for bit, forward and backward (routing reads y), on
// inputs with ties, NaN, ±Inf and ±0; windows other than 3×3 and channels
// not a multiple of 8 check that the general path still serves them.
func TestMaxPool3(t *testing.T) {
	type cfg struct {
		h, w, kh, kw, sh, sw int
		pads                 [4]int
		ceil                 bool
		same                 bool
	}
	cfgs := []cfg{
		{112, 112, 3, 3, 2, 2, [4]int{1, 1, 1, 1}, false, false}, // ResNet-18 (64 channels only)
		{9, 11, 3, 3, 2, 2, [4]int{1, 1, 1, 1}, false, false},
		{8, 7, 3, 3, 2, 2, [4]int{1, 0, 0, 1}, false, false},
		{8, 7, 3, 3, 2, 2, [4]int{0, 1, 1, 0}, true, false},
		{7, 9, 3, 3, 2, 2, [4]int{2, 2, 2, 2}, true, false},
		{6, 6, 3, 3, 1, 1, [4]int{1, 1, 1, 1}, false, false},
		{10, 9, 5, 5, 2, 2, [4]int{2, 1, 0, 2}, true, false},
		{7, 7, 2, 3, 1, 2, [4]int{1, 0, 0, 1}, false, false},
		{9, 8, 3, 2, 3, 3, [4]int{}, true, false},
		{5, 5, 2, 2, 2, 2, [4]int{1, 1, 1, 1}, false, false},
		{5, 6, 3, 3, 2, 2, [4]int{}, false, true}, // padding "same"
		{4, 4, 3, 1, 1, 1, [4]int{}, false, false},
		{11, 10, 3, 3, 3, 3, [4]int{1, 2, 0, 1}, true, false},
		{2, 2, 3, 3, 1, 1, [4]int{1, 1, 1, 1}, false, false},
		{1, 1, 3, 3, 2, 2, [4]int{1, 1, 1, 1}, false, false},
		{3, 4, 3, 3, 2, 1, [4]int{}, false, false},
	}
	rng := rand.New(rand.NewSource(7))
	specials := []float32{float32(math.NaN()), float32(math.Inf(-1)), float32(math.Inf(1)), float32(math.Copysign(0, -1)), 0, 1, -1}
	for ci, f := range cfgs {
		for _, c := range []int{1, 3, 16, 64, 67} {
			if ci == 0 && c != 64 {
				continue
			}
			for _, workers := range []int{1, 2} {
				name := fmt.Sprintf("%dx%d_k%dx%d_s%dx%d_p%v_ceil%v_c%d_w%d", f.h, f.w, f.kh, f.kw, f.sh, f.sw, f.pads, f.ceil, c, workers)
				t.Run(name, func(t *testing.T) {
					opts := []Option{WithStrides(f.sh, f.sw)}
					if f.same {
						opts = append(opts, WithPadding("same"))
					} else {
						opts = append(opts, WithPads(f.pads[0], f.pads[1], f.pads[2], f.pads[3]), WithCeilMode(f.ceil))
					}
					var layers [2]*MaxPooling2D
					var out []int
					for k := range layers {
						l := NewMaxPooling2D(f.kh, f.kw, opts...)
						o, err := l.Build([]int{f.h, f.w, c})
						if err != nil {
							t.Fatal(err)
						}
						out = o
						e := Engine{Workers: workers}
						e.opts.pool3Off = k == 1
						l.setEngine(e)
						layers[k] = l
					}
					want3 := useSIMD && f.kh == 3 && f.kw == 3 && c%8 == 0
					if layers[0].pool3() != want3 || layers[1].pool3() {
						t.Fatalf("pool3() = %v, %v, expected %v, false", layers[0].pool3(), layers[1].pool3(), want3)
					}
					x := NewTensor(2, f.h, f.w, c)
					for i := range x.Data {
						switch r := rng.Intn(10); {
						case r < 2:
							x.Data[i] = specials[rng.Intn(len(specials))]
						case r < 4:
							x.Data[i] = float32(rng.Intn(3)) // ties
						default:
							x.Data[i] = float32(rng.NormFloat64())
						}
					}
					var ys [2]*Tensor
					for k, l := range layers {
						ys[k] = NewTensor(2, out[0], out[1], c)
						for i := range ys[k].Data {
							ys[k].Data[i] = 42 // every output is written
						}
						l.Forward(ys[k], x, false)
					}
					per := f.h * f.w * c
					for n := 0; n < 2; n++ {
						want := refMaxPool(x.Data[n*per:(n+1)*per], f.h, f.w, c, &layers[0].g)
						for i, v := range want {
							got, gen := ys[0].Data[n*len(want)+i], ys[1].Data[n*len(want)+i]
							if !samePool(got, v) || !samePool(gen, v) {
								t.Fatalf("sample %d, output %d: 3×3 path %v, general %v, expected %v", n, i, got, gen, v)
							}
						}
					}
					dy := NewTensor(2, out[0], out[1], c)
					fillUniform(dy.Data, 1, rng)
					var dxs [2]*Tensor
					for k, l := range layers {
						dxs[k] = NewTensor(2, f.h, f.w, c)
						l.Backward(dxs[k], dy, x, ys[k])
					}
					for i, v := range dxs[1].Data {
						if math.Float32bits(dxs[0].Data[i]) != math.Float32bits(v) {
							t.Fatalf("dx[%d] = %v after the 3×3 path's forward, %v after the general one", i, dxs[0].Data[i], v)
						}
					}
				})
			}
		}
	}
}

// TestMaxPool3Values pins what the 3×3 path gives for one window (8
// channels alike): all -0 gives -0, -0 before +0 gives -0 (the first of
// equal values), all -Inf gives -Inf, a first NaN gives that NaN, a later
// NaN loses.
func TestMaxPool3Values(t *testing.T) {
	negZero := float32(math.Copysign(0, -1))
	nan := math.Float32frombits(0x7fc00123)
	for _, tc := range []struct {
		name string
		x    [9]float32 // a 3×3 image, one channel
		want uint32
	}{
		{"NegZero", [9]float32{negZero, negZero, negZero, negZero, negZero, negZero, negZero, negZero, negZero}, math.Float32bits(negZero)},
		{"NegZeroFirst", [9]float32{-1, negZero, 0, 0, -2, -3, 0, -4, -5}, math.Float32bits(negZero)},
		{"PosZeroFirst", [9]float32{-1, 0, negZero, negZero, -2, -3, 0, -4, -5}, 0},
		{"NegInf", [9]float32{-inf32, -inf32, -inf32, -inf32, -inf32, -inf32, -inf32, -inf32, -inf32}, math.Float32bits(-inf32)},
		{"FirstNaN", [9]float32{nan, 5, 1, 1, 1, 1, 1, 1, 1}, 0x7fc00123},
		{"LaterNaN", [9]float32{1, nan, 1, nan, 1, 1, 1, 1, 2}, math.Float32bits(2)},
		{"BelowNaN", [9]float32{-3, -2, -1, nan, -5, -6, -7, -8, -9}, math.Float32bits(-1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := NewMaxPooling2D(3, 3, WithStrides(2, 2))
			if _, err := l.Build([]int{3, 3, 8}); err != nil {
				t.Fatal(err)
			}
			if !useSIMD {
				t.Skip("no AVX2: the general path serves 3×3 windows (TestMaxPool3 covers it)")
			}
			if !l.pool3() {
				t.Fatal("expected the 3×3 path")
			}
			x, y := NewTensor(1, 3, 3, 8), NewTensor(1, 1, 1, 8)
			for i := range x.Data {
				x.Data[i] = tc.x[i/8]
			}
			l.Forward(y, x, false)
			for k, v := range y.Data {
				if got := math.Float32bits(v); got != tc.want {
					t.Fatalf("y[%d] = %#x (%v), expected %#x", k, got, v, tc.want)
				}
			}
		})
	}
}

var inf32 = float32(math.Inf(1))

// TestMaxPool3NoAlloc checks that the 3×3 path allocates nothing per call.
func TestMaxPool3NoAlloc(t *testing.T) {
	l := NewMaxPooling2D(3, 3, WithStrides(2, 2), WithPads(1, 1, 1, 1))
	out, err := l.Build([]int{16, 16, 64})
	if err != nil {
		t.Fatal(err)
	}
	l.setEngine(Engine{Workers: 1})
	x, y := NewTensor(1, 16, 16, 64), NewTensor(1, out[0], out[1], 64)
	if a := testing.AllocsPerRun(10, func() { l.Forward(y, x, false) }); a != 0 {
		t.Fatalf("%v allocations per Forward, expected 0", a)
	}
}
