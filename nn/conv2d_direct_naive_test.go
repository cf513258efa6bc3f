package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// naiveConvGrads is the textbook backward pass of an ungrouped, stride-1,
// unpadded convolution from dz (the gradient of the pre-activation):
//
//	dK[u,v,c,o] = Σ_{n,i,j} x[n,i+u,j+v,c]·dz[n,i,j,o],  db[o] = Σ_{n,i,j} dz[n,i,j,o],
//	dX[n,p,q,c] = Σ_{u,v,o} dz[n,p-u,q-v,o]·K[u,v,c,o]   (terms inside dz only),
//
// in float64, for comparison with the direct path.
func naiveConvGrads(x *Tensor, k []float32, dz *Tensor, kh, kw int) (dk, db, dx []float64) {
	n, h, w, cin := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	oh, ow, f := dz.Shape[1], dz.Shape[2], dz.Shape[3]
	dk, db, dx = make([]float64, kh*kw*cin*f), make([]float64, f), make([]float64, len(x.Data))
	for s := 0; s < n; s++ {
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				for o := 0; o < f; o++ {
					d := float64(dz.Data[((s*oh+i)*ow+j)*f+o])
					db[o] += d
					for u := 0; u < kh; u++ {
						for v := 0; v < kw; v++ {
							for c := 0; c < cin; c++ {
								xi := ((s*h+i+u)*w+j+v)*cin + c
								ki := ((u*kw+v)*cin+c)*f + o
								dk[ki] += float64(x.Data[xi]) * d
								dx[xi] += float64(k[ki]) * d
							}
						}
					}
				}
			}
		}
	}
	return dk, db, dx
}

// closeTo reports the first index where got and want (float64) differ by
// more than tol·(1 + |want|), or -1.
func closeTo(got []float32, want []float64, tol float64) int {
	if len(got) != len(want) {
		return 0
	}
	for i := range got {
		if math.Abs(float64(got[i])-want[i]) > tol*(1+math.Abs(want[i])) || math.IsNaN(float64(got[i])) {
			return i
		}
	}
	return -1
}

// relu32 applies max(z, 0) in place and returns v.
func relu32(v []float32) []float32 {
	for i, z := range v {
		v[i] = max(z, 0)
	}
	return v
}

// directCase is one configuration of the direct path (stride 1, no
// padding), with the engine knobs that steer it.
type directCase struct {
	name            string
	n, h, w, cin    int
	filters, kh, kw int
	workers, pixels int
	bias, relu      bool
	stackOff, pack  bool
	wantStacked     bool
	wantColumns     bool // column blocks (splitColumns) in the forward pass
}

var directCases = []directCase{
	// 3×3 on 3 channels: the unrolled stackRows; row blocks of 2 rows.
	{name: "stacked3x3c3", n: 2, h: 9, w: 8, cin: 3, filters: 5, kh: 3, kw: 3, workers: 2, pixels: 16, bias: true, relu: true, wantStacked: true},
	// kh 2, kw 3, 2 channels: stackRows' general loop.
	{name: "stacked2x3c2", n: 1, h: 7, w: 6, cin: 2, filters: 4, kh: 2, kw: 3, workers: 3, pixels: 8, wantStacked: true},
	// The same without stacking: kh products of depth kw·cin.
	{name: "rows2x3c2", n: 2, h: 7, w: 6, cin: 2, filters: 4, kh: 2, kw: 3, workers: 2, pixels: 12, bias: true, stackOff: true},
	// kw·cin = 36 ≥ stackMaxK: not stacked.
	{name: "rows3x3c12", n: 2, h: 8, w: 7, cin: 12, filters: 7, kh: 3, kw: 3, workers: 2, pixels: 10, bias: true, relu: true},
	// kw·cin = 32 = stackMaxK: the first width not stacked.
	{name: "rows2x2c16", n: 1, h: 5, w: 6, cin: 16, filters: 5, kh: 2, kw: 2, workers: 2, pixels: 8, bias: true},
	// One kernel row: never stacked.
	{name: "rows1x3c4", n: 1, h: 5, w: 9, cin: 4, filters: 6, kh: 1, kw: 3, workers: 1, pixels: 256, bias: true},
	// Packed kernels (inference only; filters not a multiple of the panel).
	{name: "packed3x3c12", n: 2, h: 8, w: 7, cin: 12, filters: 40, kh: 3, kw: 3, workers: 2, pixels: 12, bias: true, relu: true, pack: true},
	// Few pixels, many filters: column blocks of 64.
	{name: "columns", n: 2, h: 6, w: 6, cin: 12, filters: 160, kh: 3, kw: 3, workers: 2, pixels: 256, bias: true, relu: true, wantColumns: true},
	{name: "columnsNoBias", n: 2, h: 6, w: 5, cin: 12, filters: 136, kh: 2, kw: 3, workers: 2, pixels: 256, wantColumns: true},
	{name: "columnsPacked", n: 2, h: 6, w: 6, cin: 12, filters: 160, kh: 3, kw: 3, workers: 2, pixels: 256, bias: true, pack: true, wantColumns: true},
}

func (tc directCase) layer(t *testing.T) *Conv2D {
	t.Helper()
	opts := []Option{WithUseBias(tc.bias)}
	if tc.relu {
		opts = append(opts, WithActivation("relu"))
	}
	l := NewConv2D(tc.filters, tc.kh, tc.kw, opts...)
	e := Engine{Workers: tc.workers, PackWeights: tc.pack, opts: engineOptions{convBlockPixels: tc.pixels,
		convStackOff: tc.stackOff, winogradOff: true, stemOff: true}}
	l.setEngine(e)
	if _, err := l.Build([]int{tc.h, tc.w, tc.cin}); err != nil {
		t.Fatalf("%s: %v", tc.name, err)
	}
	rng := rand.New(rand.NewSource(int64(tc.filters*31 + tc.cin)))
	fillUniform(l.kernel.Value, 0.5, rng)
	if tc.bias {
		fillUniform(l.bias.Value, 0.5, rng)
	}
	if !l.direct() || l.stacked() != tc.wantStacked {
		t.Fatalf("%s: direct %v, stacked %v; expected the direct path, stacked %v", tc.name, l.direct(), l.stacked(), tc.wantStacked)
	}
	return l
}

// naive returns the expected output y = f(conv(x) + b) in float64.
func (tc directCase) naive(l *Conv2D, x *Tensor) []float64 {
	var b []float32
	if tc.bias {
		b = l.bias.Value
	}
	oh, ow := tc.h-tc.kh+1, tc.w-tc.kw+1
	y := naiveConv(x, l.kernel.Value, b, tc.kh, tc.kw, tc.filters, 1, 1, 1, 1, 1, 0, 0, oh, ow)
	if tc.relu {
		relu32(y.Data)
	}
	out := make([]float64, len(y.Data))
	for i, v := range y.Data {
		out[i] = float64(v)
	}
	return out
}

// TestConv2DDirectAgainstNaive runs the direct path's Forward (inference
// and training) and Backward on every variant — stacked rows (the unrolled
// 3×3×3 copy and the general loop), one product per kernel row, packed
// kernels, column blocks with and without bias, row blocks split over one
// to three workers — and compares outputs and every gradient with the
// textbook loops (naiveConv, naiveConvGrads), not with another path.
func TestConv2DDirectAgainstNaive(t *testing.T) {
	for _, tc := range directCases {
		l := tc.layer(t)
		rng := rand.New(rand.NewSource(int64(tc.h*100 + tc.w)))
		x := NewTensor(tc.n, tc.h, tc.w, tc.cin)
		fillUniform(x.Data, 1, rng)
		oh, ow := tc.h-tc.kh+1, tc.w-tc.kw+1
		want := tc.naive(l, x)
		for _, training := range []bool{false, true} {
			name := fmt.Sprintf("%s/training=%v", tc.name, training)
			y := NewTensor(tc.n, oh, ow, tc.filters)
			for i := range y.Data {
				y.Data[i] = 99 // every value written
			}
			l.Forward(y, x, training)
			if i := closeTo(y.Data, want, 1e-5); i >= 0 {
				t.Fatalf("%s: y[%d] = %g, expected %g", name, i, y.Data[i], want[i])
			}
			if !training && (l.cb > 1) != tc.wantColumns {
				t.Errorf("%s: %d column blocks, expected column blocks %v", name, l.cb, tc.wantColumns)
			}
			if tc.pack && !training && len(l.packs) == 0 {
				t.Errorf("%s: no packed kernels", name)
			}
			if !training {
				continue
			}
			for _, withDx := range []bool{true, false} {
				dy := NewTensor(y.Shape...)
				fillUniform(dy.Data, 1, rng)
				dz := dy.Clone()
				if tc.relu {
					for i := range dz.Data {
						if y.Data[i] <= 0 {
							dz.Data[i] = 0
						}
					}
				}
				wk, wb, wx := naiveConvGrads(x, l.kernel.Value, dz, tc.kh, tc.kw)
				clear(l.kernel.Grad)
				if tc.bias {
					clear(l.bias.Grad)
				}
				var dx *Tensor
				if withDx {
					dx = NewTensor(x.Shape...)
					for i := range dx.Data {
						dx.Data[i] = 7 // written, not added to
					}
				}
				l.Backward(dx, dy, x, y)
				bname := fmt.Sprintf("%s/dx=%v", name, withDx)
				if i := closeTo(l.kernel.Grad, wk, 1e-4); i >= 0 {
					t.Errorf("%s: kernel gradient [%d] = %g, expected %g", bname, i, l.kernel.Grad[i], wk[i])
				}
				if tc.bias {
					if i := closeTo(l.bias.Grad, wb, 1e-4); i >= 0 {
						t.Errorf("%s: bias gradient [%d] = %g, expected %g", bname, i, l.bias.Grad[i], wb[i])
					}
				}
				if withDx {
					if i := closeTo(dx.Data, wx, 1e-4); i >= 0 {
						t.Errorf("%s: input gradient [%d] = %g, expected %g", bname, i, dx.Data[i], wx[i])
					}
				}
			}
		}
	}
}

// TestConv2DDirectSkipWeightGrads checks that a Backward with
// skipWeightGrads still computes the right input gradient (the kernel's
// and bias' gradients are then meaningless).
func TestConv2DDirectSkipWeightGrads(t *testing.T) {
	tc := directCases[3]
	l := tc.layer(t)
	rng := rand.New(rand.NewSource(3))
	x := NewTensor(tc.n, tc.h, tc.w, tc.cin)
	fillUniform(x.Data, 1, rng)
	y := NewTensor(tc.n, tc.h-2, tc.w-2, tc.filters)
	l.Forward(y, x, true)
	dy := NewTensor(y.Shape...)
	fillUniform(dy.Data, 1, rng)
	dz := dy.Clone()
	for i := range dz.Data {
		if y.Data[i] <= 0 {
			dz.Data[i] = 0
		}
	}
	_, _, wx := naiveConvGrads(x, l.kernel.Value, dz, 3, 3)
	l.skipWeightGrads(true)
	dx := NewTensor(x.Shape...)
	l.Backward(dx, dy, x, y)
	if i := closeTo(dx.Data, wx, 1e-4); i >= 0 {
		t.Errorf("input gradient [%d] = %g, expected %g", i, dx.Data[i], wx[i])
	}
}

// naiveMaxPool2 returns the 2×2, stride-2 max pooling of y (n, h, w, c)
// and, for each pooled value, the index in y of its window's first maximum
// (row-major order in the window).
func naiveMaxPool2(y *Tensor) (*Tensor, []int) {
	n, h, w, c := y.Shape[0], y.Shape[1], y.Shape[2], y.Shape[3]
	p := NewTensor(n, h/2, w/2, c)
	arg := make([]int, len(p.Data))
	for s := 0; s < n; s++ {
		for i := 0; i < h/2; i++ {
			for j := 0; j < w/2; j++ {
				for ch := 0; ch < c; ch++ {
					best := -1
					for _, d := range [][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}} {
						k := ((s*h+2*i+d[0])*w+2*j+d[1])*c + ch
						if best < 0 || y.Data[k] > y.Data[best] {
							best = k
						}
					}
					o := ((s*(h/2)+i)*(w/2)+j)*c + ch
					p.Data[o], arg[o] = y.Data[best], best
				}
			}
		}
	}
	return p, arg
}

// pooledLayers builds tc's layer and a 2×2 max pooling of its output.
func (tc directCase) pooledLayers(t *testing.T) (*Conv2D, *MaxPooling2D) {
	l := tc.layer(t)
	p := NewMaxPooling2D(2, 2)
	if _, err := p.Build([]int{tc.h - tc.kh + 1, tc.w - tc.kw + 1, tc.filters}); err != nil {
		t.Fatal(err)
	}
	return l, p
}

// pooledRun is one fused pass of pooledPass.
type pooledRun struct {
	x      *Tensor // the input, noise in [-1, 1)
	yr, pr *Tensor // the textbook convolution output and its pooling
	y, yp  *Tensor // forwardPooled's outputs
	dyp    *Tensor // the pooled output's gradient, noise in [-1, 1)
	dz     *Tensor // the convolution's dZ by the textbook: dyp at each window's maximum where it is positive
}

// pooledPass runs l.forwardPooled into p on noise drawn from seed (the
// input, then the pooled gradient) and returns the textbook's values
// beside it.
func (tc directCase) pooledPass(l *Conv2D, p *MaxPooling2D, seed int64, training bool) pooledRun {
	var r pooledRun
	rng := rand.New(rand.NewSource(seed))
	r.x = NewTensor(tc.n, tc.h, tc.w, tc.cin)
	fillUniform(r.x.Data, 1, rng)
	r.yr = NewTensor(tc.n, tc.h-tc.kh+1, tc.w-tc.kw+1, tc.filters)
	for i, v := range tc.naive(l, r.x) {
		r.yr.Data[i] = float32(v)
	}
	var arg []int
	r.pr, arg = naiveMaxPool2(r.yr)
	r.y, r.yp = NewTensor(r.yr.Shape...), NewTensor(r.pr.Shape...)
	l.forwardPooled(r.y, r.yp, r.x, p, training)
	r.dyp = NewTensor(r.yp.Shape...)
	fillUniform(r.dyp.Data, 1, rng)
	r.dz = NewTensor(r.y.Shape...)
	for i, k := range arg {
		if r.yr.Data[k] > 0 {
			r.dz.Data[k] = r.dyp.Data[i]
		}
	}
	return r
}

// TestConv2DDirectPooledAgainstNaive runs the fused Conv2D (relu) + 2×2
// max pooling of the direct path (forwardPooled, backwardPooled) on odd and
// even output sizes, one to three workers and small row blocks, with and
// without recorded window codes, and compares y, the pooled output and the
// kernel, bias and input gradients with the textbook loops.
func TestConv2DDirectPooledAgainstNaive(t *testing.T) {
	for _, tc := range []directCase{
		{name: "odd", n: 2, h: 9, w: 8, cin: 3, filters: 6, kh: 3, kw: 3, workers: 2, pixels: 12, bias: true, relu: true, wantStacked: true},
		{name: "even", n: 1, h: 10, w: 11, cin: 12, filters: 5, kh: 3, kw: 3, workers: 3, pixels: 18, bias: true, relu: true},
		{name: "oneWorker", n: 2, h: 8, w: 9, cin: 4, filters: 3, kh: 2, kw: 2, workers: 1, pixels: 9, relu: true, wantStacked: true},
	} {
		for _, training := range []bool{true, false} {
			name := fmt.Sprintf("%s/training=%v", tc.name, training)
			l, p := tc.pooledLayers(t)
			if !l.fusesWith(p) {
				t.Fatalf("%s: not fused", name)
			}
			r := tc.pooledPass(l, p, int64(tc.h), training)
			x, yr, pr, y, yp, dyp := r.x, r.yr, r.pr, r.y, r.yp, r.dyp
			for i := range y.Data {
				if math.Abs(float64(y.Data[i]-yr.Data[i])) > 1e-5 {
					t.Fatalf("%s: y[%d] = %g, expected %g", name, i, y.Data[i], yr.Data[i])
				}
			}
			for i := range yp.Data {
				if math.Abs(float64(yp.Data[i]-pr.Data[i])) > 1e-5 {
					t.Fatalf("%s: pooled y[%d] = %g, expected %g", name, i, yp.Data[i], pr.Data[i])
				}
			}
			wk, wb, wx := naiveConvGrads(x, l.kernel.Value, r.dz, tc.kh, tc.kw)
			dx := NewTensor(x.Shape...)
			l.backwardPooled(dx, dyp, x, y, yp, p)
			if i := closeTo(l.kernel.Grad, wk, 1e-4); i >= 0 {
				t.Errorf("%s: kernel gradient [%d] = %g, expected %g", name, i, l.kernel.Grad[i], wk[i])
			}
			if tc.bias {
				if i := closeTo(l.bias.Grad, wb, 1e-4); i >= 0 {
					t.Errorf("%s: bias gradient [%d] = %g, expected %g", name, i, l.bias.Grad[i], wb[i])
				}
			}
			if i := closeTo(dx.Data, wx, 1e-4); i >= 0 {
				t.Errorf("%s: input gradient [%d] = %g, expected %g", name, i, dx.Data[i], wx[i])
			}
		}
	}
}
