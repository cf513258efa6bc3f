package nn

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"
)

// TestOutSize pins outSize's two rules (TensorFlow's, which Keras uses):
// valid floor((in-k)/s)+1 with no padding, same ceil(in/s) with
// floor(pad_total/2) before. The odd inputs at stride 2 and 3 are the ones
// where (out-1)·s differs from (out-1)/s or out-1.
func TestOutSize(t *testing.T) {
	for _, tc := range []struct {
		in, k, s  int
		same      bool
		out, pre  int
		label     string
		wantTotal int // same only: (out-1)·s + k - in, clipped at 0
	}{
		{in: 7, k: 3, s: 1, out: 5, label: "valid 3/1"},
		{in: 7, k: 3, s: 2, out: 3, label: "valid 3/2"},
		{in: 8, k: 3, s: 2, out: 3, label: "valid 3/2 even"},
		{in: 9, k: 2, s: 3, out: 3, label: "valid 2/3"},
		{in: 3, k: 3, s: 1, out: 1, label: "valid k = in"},
		{in: 7, k: 3, s: 1, same: true, out: 7, pre: 1, wantTotal: 2, label: "same 3/1"},
		{in: 7, k: 3, s: 2, same: true, out: 4, pre: 1, wantTotal: 2, label: "same 3/2 odd"},
		{in: 8, k: 3, s: 2, same: true, out: 4, pre: 0, wantTotal: 1, label: "same 3/2 even"},
		{in: 10, k: 7, s: 3, same: true, out: 4, pre: 3, wantTotal: 6, label: "same 7/3"},
		{in: 9, k: 5, s: 2, same: true, out: 5, pre: 2, wantTotal: 4, label: "same 5/2"},
		{in: 6, k: 1, s: 4, same: true, out: 2, pre: 0, wantTotal: 0, label: "same 1/4 (negative total clipped)"},
		{in: 5, k: 4, s: 1, same: true, out: 5, pre: 1, wantTotal: 3, label: "same even kernel: more after"},
	} {
		out, pre := outSize(tc.in, tc.k, tc.s, tc.same)
		if out != tc.out || pre != tc.pre {
			t.Errorf("%s: outSize(%d, %d, %d, %v) = %d, %d; expected %d, %d", tc.label, tc.in, tc.k, tc.s, tc.same, out, pre, tc.out, tc.pre)
		}
		if !tc.same {
			continue
		}
		// setupFull's "same" padding agrees: before + after = the total.
		var g window
		if err := g.setup("Test", "window", []int{tc.in, tc.in, 1}, [2]int{tc.k, tc.k}, [2]int{tc.s, tc.s}, "same"); err != nil {
			t.Fatalf("%s: %v", tc.label, err)
		}
		if g.oh != tc.out || g.pt != tc.pre || g.pt+g.pb != tc.wantTotal || g.pl != g.pt || g.pr != g.pb || g.ow != g.oh {
			t.Errorf("%s: same window %d×%d, pads %d, %d, %d, %d; expected %d, before %d, total %d", tc.label,
				g.oh, g.ow, g.pt, g.pl, g.pb, g.pr, tc.out, tc.pre, tc.wantTotal)
		}
	}
}

// TestWindowSetupFull pins the output size of explicit pads, dilation and
// ceil mode (PyTorch's rule: a last window starting past the input and its
// leading padding is dropped), and the two error messages.
func TestWindowSetupFull(t *testing.T) {
	for _, tc := range []struct {
		label         string
		in            []int
		size, strides [2]int
		dil           [2]int
		pads          [4]int
		ceil          bool
		oh, ow        int
		err           string
	}{
		{label: "valid", in: []int{7, 6, 2}, size: [2]int{3, 2}, strides: [2]int{2, 1}, dil: [2]int{1, 1}, oh: 3, ow: 5},
		{label: "pads", in: []int{7, 6, 2}, size: [2]int{3, 2}, strides: [2]int{2, 1}, dil: [2]int{1, 1}, pads: [4]int{1, 2, 0, 1}, oh: 3, ow: 8},
		{label: "dilated", in: []int{9, 8, 1}, size: [2]int{3, 3}, strides: [2]int{1, 2}, dil: [2]int{2, 3}, oh: 5, ow: 1},
		{label: "ceil adds a window", in: []int{6, 7, 1}, size: [2]int{3, 3}, strides: [2]int{2, 2}, dil: [2]int{1, 1}, ceil: true, oh: 3, ow: 3},
		{label: "floor", in: []int{6, 7, 1}, size: [2]int{3, 3}, strides: [2]int{2, 2}, dil: [2]int{1, 1}, oh: 2, ow: 3},
		// 5 + 1 + 1 = 7 rows, 3×3 stride 3: ceil gives 3 windows, the last
		// starting at padded row 6 = h + pt: in the padding after, dropped.
		{label: "ceil drops a window in the padding", in: []int{5, 5, 1}, size: [2]int{3, 3}, strides: [2]int{3, 3}, dil: [2]int{1, 1}, pads: [4]int{1, 1, 1, 1}, ceil: true, oh: 2, ow: 2},
		// Rows: 4 + 1 (after) = 5, 2×2 stride 2: ceil gives 3, the last
		// starting at row 4 = h + pt: dropped; columns: 5, the last window
		// starts at 4 < w + pl = 5: kept.
		{label: "ceil: rows and columns apart", in: []int{4, 5, 1}, size: [2]int{2, 2}, strides: [2]int{2, 2}, dil: [2]int{1, 1}, pads: [4]int{0, 0, 1, 0}, ceil: true, oh: 2, ow: 3},
		{label: "kernel = input", in: []int{3, 4, 1}, size: [2]int{3, 4}, strides: [2]int{1, 1}, dil: [2]int{1, 1}, oh: 1, ow: 1},
		{label: "too tall", in: []int{2, 4, 1}, size: [2]int{3, 3}, strides: [2]int{1, 1}, dil: [2]int{1, 1},
			err: `Test: window 3×3 larger than input 2×4 (use padding "same" or a larger input)`},
		{label: "too wide dilated", in: []int{6, 4, 1}, size: [2]int{2, 2}, strides: [2]int{1, 1}, dil: [2]int{1, 4},
			err: `Test: window 2×5 larger than input 6×4 (use padding "same" or a larger input)`},
		{label: "too large padded", in: []int{2, 2, 1}, size: [2]int{4, 3}, strides: [2]int{1, 1}, dil: [2]int{1, 1}, pads: [4]int{0, 0, 1, 0},
			err: "Test: window 4×3 larger than the padded input 3×2"},
		{label: "padded fits", in: []int{2, 2, 1}, size: [2]int{4, 3}, strides: [2]int{1, 1}, dil: [2]int{1, 1}, pads: [4]int{1, 1, 1, 0}, oh: 1, ow: 1},
	} {
		var g window
		err := g.setupFull("Test", "window", tc.in, tc.size, tc.strides, tc.dil, "valid", tc.pads, tc.ceil)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%s: error %v, expected %q", tc.label, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.label, err)
			continue
		}
		if g.oh != tc.oh || g.ow != tc.ow {
			t.Errorf("%s: output %d×%d, expected %d×%d", tc.label, g.oh, g.ow, tc.oh, tc.ow)
		}
	}
}

// TestSpans checks span and spanD against their definition: the taps of
// a window at output position o that land inside [0, in), and the input
// index of tap 0; span returns all zeros for a window wholly outside.
func TestSpans(t *testing.T) {
	for in := 1; in <= 6; in++ {
		for k := 1; k <= 4; k++ {
			for s := 1; s <= 3; s++ {
				for pad := 0; pad <= 4; pad++ {
					for d := 1; d <= 3; d++ {
						for o := 0; o < 6; o++ {
							start := o*s - pad
							lo, hi := -1, -1
							for u := 0; u < k; u++ {
								if i := start + u*d; i >= 0 && i < in {
									if lo < 0 {
										lo = u
									}
									hi = u + 1
								}
							}
							gs, glo, ghi := spanD(o, s, pad, k, in, d)
							if gs != start || (lo >= 0 && (glo != lo || ghi != hi)) || (lo < 0 && glo != ghi) {
								t.Fatalf("spanD(o=%d, s=%d, pad=%d, k=%d, in=%d, d=%d) = %d, [%d, %d); expected %d, taps [%d, %d)",
									o, s, pad, k, in, d, gs, glo, ghi, start, lo, hi)
							}
							if d != 1 {
								continue
							}
							gs, glo, ghi = span(o, s, pad, k, in)
							switch {
							case lo < 0 && (gs != 0 || glo != 0 || ghi != 0):
								t.Fatalf("span(o=%d, s=%d, pad=%d, k=%d, in=%d) = %d, [%d, %d); expected 0, 0, 0 (outside)", o, s, pad, k, in, gs, glo, ghi)
							case lo >= 0 && (gs != start || glo != lo || ghi != hi):
								t.Fatalf("span(o=%d, s=%d, pad=%d, k=%d, in=%d) = %d, [%d, %d); expected %d, [%d, %d)", o, s, pad, k, in, gs, glo, ghi, start, lo, hi)
							}
						}
					}
				}
			}
		}
	}
}

// patchCase is a window geometry for the im2col tests.
type patchCase struct {
	h, w, c, kh, kw, sh, sw, dh, dw int
	pads                            [4]int
}

func (p patchCase) String() string {
	return fmt.Sprintf("%d×%d×%d k%d×%d s%d×%d d%d×%d pads%v", p.h, p.w, p.c, p.kh, p.kw, p.sh, p.sw, p.dh, p.dw, p.pads)
}

var patchCases = []patchCase{
	{h: 5, w: 6, c: 2, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1},
	{h: 5, w: 6, c: 2, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pads: [4]int{1, 1, 1, 1}},
	{h: 6, w: 5, c: 3, kh: 3, kw: 2, sh: 2, sw: 1, dh: 1, dw: 1, pads: [4]int{2, 0, 1, 1}},
	{h: 4, w: 4, c: 1, kh: 2, kw: 3, sh: 1, sw: 2, dh: 1, dw: 1, pads: [4]int{0, 2, 2, 0}},
	{h: 3, w: 3, c: 2, kh: 2, kw: 2, sh: 2, sw: 2, dh: 1, dw: 1, pads: [4]int{3, 3, 3, 3}}, // windows wholly in the padding
	{h: 7, w: 8, c: 2, kh: 3, kw: 2, sh: 1, sw: 2, dh: 2, dw: 3, pads: [4]int{2, 1, 1, 3}},
	{h: 6, w: 6, c: 3, kh: 2, kw: 2, sh: 2, sw: 1, dh: 3, dw: 1, pads: [4]int{0, 0, 0, 0}},
}

// naivePatch is the patch of output pixel (oy, ox): for each tap (u, v) in
// (kh, kw) order the cg channels from c0 of the pixel it reads, zeros in
// the padding.
func naivePatch(g *window, x []float32, oy, ox, c0, cg int) []float32 {
	var p []float32
	for u := 0; u < g.kh; u++ {
		for v := 0; v < g.kw; v++ {
			iy, ix := oy*g.sh+u*g.dh-g.pt, ox*g.sw+v*g.dw-g.pl
			for ci := c0; ci < c0+cg; ci++ {
				val := float32(0)
				if iy >= 0 && iy < g.h && ix >= 0 && ix < g.w {
					val = x[(iy*g.w+ix)*g.c+ci]
				}
				p = append(p, val)
			}
		}
	}
	return p
}

// TestIm2colPatches checks im2col and im2colG (and, for undilated
// windows, that both agree) row block by row block against naivePatch, on
// columns buffers holding junk, and their adjoints col2im and col2imG:
// ⟨im2col(x), q⟩ = ⟨x, col2im(q)⟩ for random x and q, with dx holding
// junk to be added to.
func TestIm2colPatches(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for _, pc := range patchCases {
		t.Run(pc.String(), func(t *testing.T) {
			var g window
			if err := g.setupFull("Test", "kernel", []int{pc.h, pc.w, pc.c}, [2]int{pc.kh, pc.kw}, [2]int{pc.sh, pc.sw},
				[2]int{pc.dh, pc.dw}, "valid", pc.pads, false); err != nil {
				t.Fatal(err)
			}
			x := make([]float32, pc.h*pc.w*pc.c)
			for i := range x {
				x[i] = float32(rng.Intn(19) - 9)
			}
			k := g.kh * g.kw * g.c
			dilated := g.dh > 1 || g.dw > 1
			for _, rows := range [][2]int{{0, g.oh}, {1, g.oh}, {0, 1}, {g.oh - 1, g.oh}} {
				r0, r1 := rows[0], rows[1]
				n := (r1 - r0) * g.ow
				junk := func() []float32 {
					v := make([]float32, n*k+7)
					for i := range v {
						v[i] = 99
					}
					return v
				}
				var want []float32
				for oy := r0; oy < r1; oy++ {
					for ox := 0; ox < g.ow; ox++ {
						want = append(want, naivePatch(&g, x, oy, ox, 0, g.c)...)
					}
				}
				cols := junk()
				g.im2colG(cols, x, r0, r1, 0, g.c)
				if !slices.Equal(cols[:n*k], want) {
					t.Fatalf("rows [%d, %d): im2colG\n%v\nexpected\n%v", r0, r1, cols[:n*k], want)
				}
				if !dilated {
					cols = junk()
					g.im2col(cols, x, r0, r1)
					if !slices.Equal(cols[:n*k], want) {
						t.Fatalf("rows [%d, %d): im2col\n%v\nexpected\n%v", r0, r1, cols[:n*k], want)
					}
				}
				// A channel group: channels [c0, c0+cg).
				if g.c > 1 {
					c0, cg := 1, g.c-1
					var wantG []float32
					for oy := r0; oy < r1; oy++ {
						for ox := 0; ox < g.ow; ox++ {
							wantG = append(wantG, naivePatch(&g, x, oy, ox, c0, cg)...)
						}
					}
					colsG := junk()
					g.im2colG(colsG, x, r0, r1, c0, cg)
					if !slices.Equal(colsG[:len(wantG)], wantG) {
						t.Fatalf("rows [%d, %d), channels from %d: im2colG\n%v\nexpected\n%v", r0, r1, c0, colsG[:len(wantG)], wantG)
					}
				}
				// Adjoints, on integers (exact sums).
				q := make([]float32, n*k)
				for i := range q {
					q[i] = float32(rng.Intn(7) - 3)
				}
				var lhs float64
				for i, v := range want {
					lhs += float64(v) * float64(q[i])
				}
				base := make([]float32, len(x))
				for i := range base {
					base[i] = float32(rng.Intn(5) - 2)
				}
				var baseDot float64
				for i, v := range base {
					baseDot += float64(v) * float64(x[i])
				}
				adjoints := []struct {
					name string
					fn   func(dx []float32)
				}{{"col2imG", func(dx []float32) { g.col2imG(dx, q, r0, r1, 0, g.c) }}}
				if !dilated {
					adjoints = append(adjoints, struct {
						name string
						fn   func(dx []float32)
					}{"col2im", func(dx []float32) { g.col2im(dx, q, r0, r1) }})
				}
				for _, a := range adjoints {
					dx := slices.Clone(base)
					a.fn(dx)
					var rhs float64
					for i, v := range dx {
						rhs += float64(v) * float64(x[i])
					}
					if rhs-baseDot != lhs {
						t.Fatalf("rows [%d, %d): ⟨x, %s(q)⟩ = %g, ⟨im2col(x), q⟩ = %g", r0, r1, a.name, rhs-baseDot, lhs)
					}
				}
			}
		})
	}
}

// TestScratchSumIntoAddTo pins the three buffer helpers: scratch grows
// the list to n buffers of at least size values and keeps (does not
// reallocate) those already large enough; sumInto makes grad slot 0;
// addTo adds src into the first len(src) values of dst.
func TestScratchSumIntoAddTo(t *testing.T) {
	keep := make([]float32, 10)
	short := make([]float32, 3)
	bufs := scratch([][]float32{keep, short}, 3, 8)
	if len(bufs) != 3 || &bufs[0][0] != &keep[0] || len(bufs[1]) != 8 || len(bufs[2]) != 8 {
		t.Fatalf("scratch: lengths %d, %d, %d (first kept: %v); expected 10 (kept), 8, 8", len(bufs[0]), len(bufs[1]), len(bufs[2]), &bufs[0][0] == &keep[0])
	}
	exact := make([]float32, 8)
	bufs = scratch([][]float32{exact, nil, nil, make([]float32, 2)}, 2, 8)
	if len(bufs) != 4 || &bufs[0][0] != &exact[0] || len(bufs[1]) != 8 || len(bufs[3]) != 2 {
		t.Fatalf("scratch beyond n: lengths %d, %d, %d, %d; expected 8 (kept), 8, 0, 2", len(bufs[0]), len(bufs[1]), len(bufs[2]), len(bufs[3]))
	}

	grad := []float32{1, 2}
	sums := sumInto(nil, grad)
	if len(sums) != 1 || &sums[0][0] != &grad[0] {
		t.Fatalf("sumInto(nil) = %v, expected [grad]", sums)
	}
	other := [][]float32{{5}, {6}}
	sums = sumInto(other, grad)
	if len(sums) != 2 || &sums[0][0] != &grad[0] || sums[1][0] != 6 {
		t.Fatalf("sumInto(two) = %v, expected [grad, [6]]", sums)
	}

	dst := []float32{1, 2, 3, 4}
	addTo(dst, []float32{10, 20, 30})
	if !slices.Equal(dst, []float32{11, 22, 33, 4}) {
		t.Fatalf("addTo = %v, expected [11 22 33 4]", dst)
	}
}
