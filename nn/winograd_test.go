package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// conv3x3Ref64 computes conv(x, K) + b, then the activation, in float64
// (stride 1, pads top and left pt, pl; output oh×ow): the reference both
// float32 paths are measured against.
func conv3x3Ref64(x *Tensor, k, b []float32, f, pt, pl, oh, ow int, act activation) []float64 {
	n, h, w, cin := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	out := make([]float64, n*oh*ow*f)
	for s := 0; s < n; s++ {
		xs := x.Sample(s)
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				o := out[((s*oh+i)*ow+j)*f:][:f]
				for u := 0; u < 3; u++ {
					r := i + u - pt
					if r < 0 || r >= h {
						continue
					}
					for v := 0; v < 3; v++ {
						col := j + v - pl
						if col < 0 || col >= w {
							continue
						}
						px := xs[(r*w+col)*cin:][:cin]
						for c, xv := range px {
							kr := k[((u*3+v)*cin+c)*f:][:f]
							for q, kv := range kr {
								o[q] += float64(xv) * float64(kv)
							}
						}
					}
				}
				for q := range o {
					if b != nil {
						o[q] += float64(b[q])
					}
					switch act {
					case actReLU:
						o[q] = math.Max(o[q], 0)
					case actReLU6:
						o[q] = math.Min(math.Max(o[q], 0), 6)
					}
				}
			}
		}
	}
	return out
}

// allTiles makes every size take the Winograd path until the returned
// function restores winoMinTiles.
func allTiles() func() {
	old, old4, oldU := winoMinTiles, winoF4MinTiles, winoF4MaxU
	winoMinTiles, winoF4MinTiles, winoF4MaxU = 1, 1, 1<<30
	return func() { winoMinTiles, winoF4MinTiles, winoF4MaxU = old, old4, oldU }
}

// maxRelErr returns max |got - want| / max |want|: the parity tests'
// measure (an error relative to the tensor's scale).
func maxRelErr(got []float32, want []float64) float64 {
	var d, scale float64
	for i, v := range want {
		scale = math.Max(scale, math.Abs(v))
		d = math.Max(d, math.Abs(float64(got[i])-v))
	}
	if scale == 0 {
		return d
	}
	return d / scale
}

// winoTol bounds the error of F(m×m, 3×3) against a float64 convolution,
// relative to the output's largest value (the parity tests' measure; their
// tolerance is 1e-4).
var winoTol = map[int]float64{2: 1e-6, 4: 1e-5}

// TestWinogradMatchesDirect runs 3×3 stride-1 convolutions of many shapes
// (channels that are and are not multiples of 8, odd and even sizes, valid,
// same and asymmetric padding, with and without bias, three activations,
// batches, one and two workers) on the Winograd path and on the direct
// path, and compares both with a float64 convolution.
func TestWinogradMatchesDirect(t *testing.T) {
	defer allTiles()()
	for _, tc := range []struct {
		h, w, cin, f int
		opts         []Option
		n, workers   int
	}{
		{8, 8, 16, 16, nil, 1, 1},
		{9, 7, 16, 24, nil, 1, 2},
		{5, 5, 20, 17, []Option{WithPadding("same")}, 2, 2},
		{6, 11, 33, 40, []Option{WithPads(1, 1, 1, 1), WithActivation("relu")}, 1, 2},
		{7, 7, 64, 160, []Option{WithPads(1, 1, 1, 1), WithActivation("relu")}, 1, 2},
		{14, 14, 32, 64, []Option{WithPads(2, 0, 1, 1), WithActivation("relu6"), WithUseBias(false)}, 1, 2},
		{3, 3, 16, 16, []Option{WithPadding("same")}, 3, 2},
		{4, 4, 16, 32, nil, 1, 1},
		{17, 17, 128, 128, []Option{WithActivation("relu")}, 1, 2},
		{22, 22, 64, 96, []Option{WithActivation("relu")}, 1, 2},
		{1, 1, 16, 16, []Option{WithPadding("same"), WithUseBias(false)}, 1, 1},
	} {
		for _, m := range []int{2, 4} {
			name := fmt.Sprintf("F%d/%dx%dx%d-%d", m, tc.h, tc.w, tc.cin, tc.f)
			t.Run(name, func(t *testing.T) {
				rng := rand.New(rand.NewSource(7))
				run := func(off bool) (*Conv2D, *Tensor, *Tensor) {
					c := NewConv2D(tc.f, 3, 3, tc.opts...)
					out, err := c.Build([]int{tc.h, tc.w, tc.cin})
					if err != nil {
						t.Fatal(err)
					}
					c.Init(rand.New(rand.NewSource(3)))
					if c.bias != nil {
						fillUniform(c.bias.Value, 0.5, rand.New(rand.NewSource(4)))
					}
					e := Engine{Workers: tc.workers}
					e.opts.winogradOff, e.opts.winogradF4 = off, m == 4
					c.setEngine(e)
					x := NewTensor(append([]int{tc.n}, tc.h, tc.w, tc.cin)...)
					fillUniform(x.Data, 1, rand.New(rand.NewSource(5)))
					y := NewTensor(append([]int{tc.n}, out...)...)
					fillUniform(y.Data, 100, rng) // every value must be written
					c.Forward(y, x, false)
					return c, x, y
				}
				c, x, wino := run(false)
				if got := c.winoTile(false); got != m {
					t.Fatalf("F(%d×%d) expected, the layer takes %d", m, m, got)
				}
				_, _, direct := run(true)
				var b []float32
				if c.bias != nil {
					b = c.bias.Value
				}
				ref := conv3x3Ref64(x, c.kernel.Value, b, tc.f, c.g.pt, c.g.pl, c.g.oh, c.g.ow, c.act)
				ew, ed := maxRelErr(wino.Data, ref), maxRelErr(direct.Data, ref)
				t.Logf("max error / max |y|: Winograd F(%d×%d) %.2e, direct %.2e", m, m, ew, ed)
				if tol := winoTol[m]; ew > tol || math.IsNaN(ew) {
					t.Errorf("Winograd error %.3g of the output's scale, expected ≤ %g (direct path: %.3g)", ew, tol, ed)
				}
			})
		}
	}
}

// TestWinogradTransformsGo checks the assembly tile transforms against the
// portable Go loops on channel counts around the vector width: bit for bit
// for F(2×2) (the same additions), within float32 rounding for F(4×4)
// (the assembly fuses multiply-adds); a wrong coefficient would be off by
// about 1.
func TestWinogradTransformsGo(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	type inGo func(v []float32, ldv int, x []float32, ldx, cin, c0, n int)
	type outGo func(y []float32, ldy, pf int, m []float32, ldm, cw, c0 int, b []float32, n int, lo, hi float32)
	for _, tc := range []struct {
		tr    *winoTransform
		in    inGo
		out   outGo
		exact bool
	}{{wino2, winoInGo, winoOutGo, true}, {wino4, winoIn4Go, winoOut4Go, false}} {
		m, a := tc.tr.m, tc.tr.alpha
		same := func(got, want float32) bool {
			if tc.exact || math.IsNaN(float64(got)) || math.IsNaN(float64(want)) {
				return got == want || math.IsNaN(float64(got)) && math.IsNaN(float64(want))
			}
			// Sums of up to 36 terms with coefficients up to 25 (input) or
			// 64 (output) of values ≤ 1: a few ulps of ~100.
			return math.Abs(float64(got-want)) <= 1e-4
		}
		for _, cin := range []int{1, 7, 8, 9, 16, 24, 33} {
			const n = 3
			tmp := make([]float32, winoMaxPos*8)
			ldx, ldv := (m*n+a)*cin+5, n*cin+3
			x := make([]float32, (a-1)*ldx+(m*n+a)*cin)
			fillUniform(x, 1, rng)
			got, want := make([]float32, tc.tr.pos*ldv), make([]float32, tc.tr.pos*ldv)
			tc.tr.in(got, ldv, x, ldx, cin, n, tmp)
			tc.in(want, ldv, x, ldx, cin, 0, n)
			for i := range want {
				if !same(got[i], want[i]) {
					t.Fatalf("F%d input transform, cin %d: element %d = %g, Go %g", m, cin, i, got[i], want[i])
				}
			}
			ldm, pf := n*cin+1, cin+2
			ldy := m*n*pf + 3
			mm := make([]float32, tc.tr.pos*ldm)
			fillUniform(mm, 1, rng)
			mm[5] = float32(math.NaN())
			b := make([]float32, cin)
			fillUniform(b, 1, rng)
			for _, act := range []activation{actLinear, actReLU, actReLU6} {
				lo, hi := winoClamp(act)
				gy, wy := make([]float32, m*ldy), make([]float32, m*ldy)
				tc.tr.out(gy, ldy, pf, mm, ldm, cin, b, n, lo, hi, tmp)
				tc.out(wy, ldy, pf, mm, ldm, cin, 0, b, n, lo, hi)
				for i := range wy {
					if !same(gy[i], wy[i]) {
						t.Fatalf("F%d output transform, cin %d, %v: element %d = %g, Go %g", m, cin, act, i, gy[i], wy[i])
					}
				}
				if cin > 5 && !math.IsNaN(float64(gy[5])) { // mm[5]: tile 0, channel 5
					t.Fatalf("F%d, %v: a NaN product gave %g, expected NaN", m, act, gy[5])
				}
			}
		}
	}
}

// TestWinogradWeightsChange changes a layer's kernel between inference
// passes, without and with Engine.PackWeights (then announced with
// weightsChanged), and checks that the Winograd path follows: stale
// transformed kernels would give the old outputs.
func TestWinogradWeightsChange(t *testing.T) {
	defer allTiles()()
	for _, pack := range []bool{false, true} {
		t.Run(fmt.Sprintf("pack=%v", pack), func(t *testing.T) {
			c := NewConv2D(32, 3, 3, WithPadding("same"))
			if _, err := c.Build([]int{10, 10, 16}); err != nil {
				t.Fatal(err)
			}
			c.Init(rand.New(rand.NewSource(1)))
			c.setEngine(Engine{PackWeights: pack, Workers: 2})
			x := NewTensor(1, 10, 10, 16)
			fillUniform(x.Data, 1, rand.New(rand.NewSource(2)))
			y := NewTensor(1, 10, 10, 32)
			for step := 0; step < 3; step++ {
				c.Forward(y, x, false)
				ref := conv3x3Ref64(x, c.kernel.Value, c.bias.Value, 32, 1, 1, 10, 10, actLinear)
				if e := maxRelErr(y.Data, ref); e > 1e-5 {
					t.Fatalf("step %d: error %.3g after the weights changed", step, e)
				}
				fillUniform(c.kernel.Value, 0.5, rand.New(rand.NewSource(int64(10+step))))
				if pack {
					c.weightsChanged()
				}
			}
		})
	}
}

// TestWinogradFusedPool runs the Winograd path fused with a 2×2 max pooling
// in a Sequential (the tutorial's conv + pool pairs), odd and even sizes,
// and compares every layer's output with the direct path's.
func TestWinogradFusedPool(t *testing.T) {
	defer allTiles()()
	for _, size := range []int{11, 12, 19} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			build := func(off bool) *Sequential {
				m, err := NewSequential([]int{size, size, 16},
					NewConv2D(32, 3, 3, WithActivation("relu")),
					NewMaxPooling2D(2, 2),
					NewConv2D(32, 3, 3, WithActivation("relu")),
				)
				if err != nil {
					t.Fatal(err)
				}
				m.Init(1)
				e := Engine{Workers: 2}
				e.opts.winogradOff = off
				m.SetEngine(e)
				return m
			}
			x := NewTensor(2, size, size, 16)
			fillUniform(x.Data, 1, rand.New(rand.NewSource(3)))
			want := build(true).Activations(x)
			got := build(false).Activations(x)
			for l := range want {
				for i, v := range want[l].Data {
					if d := math.Abs(float64(got[l].Data[i] - v)); d > 1e-5*(1+math.Abs(float64(v))) {
						t.Fatalf("layer %d, element %d: Winograd %g, direct %g", l, i, got[l].Data[i], v)
					}
				}
			}
		})
	}
}

// TestWinogradParityReference runs the tutorial's model on the parity data
// (testdata/torch/reference.json: its weights and two 150×150 images) in
// inference, where conv2d_2–4 take the Winograd path, and compares every
// layer's output with PyTorch's (parityTol) and with the direct path's.
func TestWinogradParityReference(t *testing.T) {
	var ref parityReferenceFile
	parityLoad(t, "reference.json", &ref)
	byName := map[string]parityStats{}
	for _, s := range ref.Tensors {
		byName[s.Name] = s
	}
	run := func(off bool) (*Sequential, []*Tensor) {
		m, err := ReferenceModel()
		if err != nil {
			t.Fatal(err)
		}
		paritySetWeights(t, m.Params())
		e := Engine{Workers: 2}
		e.opts.winogradOff = off
		m.SetEngine(e)
		x := parityInput(t, ref.Input, ref.InputSalt, ref.InputPatch)
		var outs []*Tensor
		for _, o := range m.Activations(x) {
			outs = append(outs, o.Clone())
		}
		return m, outs
	}
	m, wino := run(false)
	_, direct := run(true)
	c := newParityChecker(t)
	taken := 0
	for i, l := range m.Layers() {
		if cv, ok := l.(*Conv2D); ok && cv.winogradOK(false) {
			taken++
			var d, scale float64
			for k, v := range direct[i].Data {
				scale = math.Max(scale, math.Abs(float64(v)))
				d = math.Max(d, math.Abs(float64(wino[i].Data[k]-v)))
			}
			t.Logf("%s (F(%d×%d)): max |Winograd - direct| = %.2e of max |y| %.3g", l.Name(), cv.winoTile(false), cv.winoTile(false), d/scale, scale)
			if d > 1e-5*scale {
				t.Errorf("%s: Winograd and direct differ by %.3g of the output's scale, expected ≤ 1e-5", l.Name(), d/scale)
			}
		}
		s, ok := byName["output/"+l.Name()]
		if !ok {
			t.Fatalf("reference.json has no output of %s", l.Name())
		}
		c.stats(s, wino[i].Shape, parityTo64(wino[i].Data))
	}
	if taken != 3 {
		t.Errorf("%d layers took the Winograd path, expected 3 (conv2d_2–4)", taken)
	}
	c.report()
}
