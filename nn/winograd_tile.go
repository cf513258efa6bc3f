package nn

import "math"

// The tile transforms of the Winograd path (winograd.go), on NHWC data:
// each of a tile's pixels is a vector of channels, and both transforms
// combine whole vectors, 8 channels at a time in assembly
// (winograd_amd64.s) and the remaining ones in Go.

// winoTransform is one F(m×m, 3×3): its sizes and tile transforms.
type winoTransform struct {
	m, alpha, pos int
	// in writes V = Bᵀ d B for n tiles side by side: tile t's α×α input
	// starts at x[m·t·cin:] (rows ldx apart, pixels cin apart), its V_ξ goes
	// to v[ξ·ldv + t·cin:][:cin]; tmp is scratch (winoMaxPos·8 values).
	in func(v []float32, ldv int, x []float32, ldx, cin, n int, tmp []float32)
	// out writes y = min(max(Aᵀ M A + b, lo), hi) for n tiles side by side:
	// tile t's M_ξ at m[ξ·ldm + t·cw:][:cw], its m×m outputs at y[m·t·pf:],
	// pixels pf apart and rows ldy apart.
	out func(y []float32, ldy, pf int, m []float32, ldm, cw int, b []float32, n int, lo, hi float32, tmp []float32)
}

var (
	wino2 = &winoTransform{m: 2, alpha: 4, pos: 16, in: winoIn, out: winoOut}
	wino4 = &winoTransform{m: 4, alpha: 6, pos: 36, in: winoIn4, out: winoOut4}
)

// winoTransforms returns F(m×m, 3×3)'s transforms (m = 2 or 4).
func winoTransforms(m int) *winoTransform {
	if m == 4 {
		return wino4
	}
	return wino2
}

// inputRow writes V = Bᵀ d B for the tw tiles of tile row ti: tile tj's
// V_ξ at v[ξ·ldv + tj·cin:][:cin]. Tiles whose α×α input window lies inside
// the image read x in place; the others are first copied, zero-filled
// outside the image, into edge.
func (tr *winoTransform) inputRow(v []float32, ldv int, x []float32, g *window, ti, tw int, edge, tmp []float32) {
	cin, w, m, a := g.c, g.w, tr.m, tr.alpha
	r0 := m*ti - g.pt
	lo, hi := (g.pl+m-1)/m, 0 // tiles [lo, hi) have their α columns inside
	if d := w - a + g.pl; d >= 0 {
		hi = min(d/m+1, tw)
	}
	if r0 < 0 || r0+a > g.h || lo >= hi {
		lo, hi = 0, 0
	}
	if hi > lo {
		tr.in(v[lo*cin:], ldv, x[(r0*w+m*lo-g.pl)*cin:], w*cin, cin, hi-lo, tmp)
	}
	for tj := 0; tj < tw; tj++ {
		if tj >= lo && tj < hi {
			continue
		}
		e := edge[:a*a*cin]
		clear(e)
		c0 := m*tj - g.pl
		for i := 0; i < a; i++ {
			r := r0 + i
			if r < 0 || r >= g.h {
				continue
			}
			for j := 0; j < a; j++ {
				if col := c0 + j; col >= 0 && col < w {
					copy(e[(i*a+j)*cin:][:cin], x[(r*w+col)*cin:])
				}
			}
		}
		tr.in(v[tj*cin:], ldv, e, a*cin, cin, 1, tmp)
	}
}

// outputRow writes y = f(Aᵀ M A + b) for the tw tiles of tile row ti
// (channels [0, cw) of y, whose pixels are f apart and rows ow·f), from
// tile tj's M_ξ at mt[ξ·ldm + tj·cw:][:cw]. Tiles that stick out of the
// output go through edge.
func (tr *winoTransform) outputRow(y, mt []float32, ldm int, b []float32, act activation, g *window, f, cw, ti, tw int, edge, tmp []float32) {
	ow, m := g.ow, tr.m
	lo, hi := winoClamp(act)
	full := 0
	if m*ti+m <= g.oh {
		full = ow / m
	}
	if full > 0 {
		tr.out(y[m*ti*ow*f:], ow*f, f, mt, ldm, cw, b, full, lo, hi, tmp)
	}
	for tj := full; tj < tw; tj++ {
		e := edge[:m*m*cw]
		tr.out(e, m*cw, cw, mt[tj*cw:], ldm, cw, b, 1, lo, hi, tmp)
		for i := 0; i < m && m*ti+i < g.oh; i++ {
			for j := 0; j < m && m*tj+j < ow; j++ {
				copy(y[((m*ti+i)*ow+m*tj+j)*f:][:cw], e[(m*i+j)*cw:])
			}
		}
	}
}

// winoClamp returns the bounds the output transform clamps to: ReLU's
// [0, ∞), ReLU6's [0, 6], or none for linear.
func winoClamp(act activation) (lo, hi float32) {
	switch act {
	case actReLU:
		return 0, float32(math.Inf(1))
	case actReLU6:
		return 0, 6
	}
	return float32(math.Inf(-1)), float32(math.Inf(1))
}

// winoIn is F(2×2)'s winoTransform.in.
func winoIn(v []float32, ldv int, x []float32, ldx, cin, n int, _ []float32) {
	_ = x[(n-1)*2*cin+3*ldx+4*cin-1] // bounds
	_ = v[15*ldv+n*cin-1]
	nc := 0
	if useSIMD {
		nc = cin &^ 7
		if nc > 0 {
			winoIn2AVX2(&v[0], ldv, &x[0], ldx, cin, nc, n)
		}
	}
	if nc < cin {
		winoInGo(v, ldv, x, ldx, cin, nc, n)
	}
}

// winoInGo is winoIn for channels [c0, cin).
func winoInGo(v []float32, ldv int, x []float32, ldx, cin, c0, n int) {
	for t := 0; t < n; t++ {
		xt, vt := x[2*t*cin:], v[t*cin:]
		for ch := c0; ch < cin; ch++ {
			var r [4][4]float32 // d B
			for i := 0; i < 4; i++ {
				d := xt[i*ldx+ch:]
				d0, d1, d2, d3 := d[0], d[cin], d[2*cin], d[3*cin]
				r[i] = [4]float32{d0 - d2, d1 + d2, d2 - d1, d1 - d3}
			}
			for j := 0; j < 4; j++ {
				vt[j*ldv+ch] = r[0][j] - r[2][j]
				vt[(4+j)*ldv+ch] = r[1][j] + r[2][j]
				vt[(8+j)*ldv+ch] = r[2][j] - r[1][j]
				vt[(12+j)*ldv+ch] = r[1][j] - r[3][j]
			}
		}
	}
}

// winoOut is F(2×2)'s winoTransform.out; b may be nil (no bias).
func winoOut(y []float32, ldy, pf int, m []float32, ldm, cw int, b []float32, n int, lo, hi float32, _ []float32) {
	_ = y[(n-1)*2*pf+ldy+pf+cw-1] // bounds
	_ = m[15*ldm+n*cw-1]
	nc := 0
	if useSIMD && b != nil {
		nc = cw &^ 7
		if nc > 0 {
			winoOut2AVX2(&y[0], ldy, pf, &m[0], ldm, cw, nc, &b[0], n, lo, hi)
		}
	}
	if nc < cw {
		winoOutGo(y, ldy, pf, m, ldm, cw, nc, b, n, lo, hi)
	}
}

// winoOutGo is winoOut for channels [c0, cw).
func winoOutGo(y []float32, ldy, pf int, m []float32, ldm, cw, c0 int, b []float32, n int, lo, hi float32) {
	for t := 0; t < n; t++ {
		mt, yt := m[t*cw:], y[2*t*pf:]
		for ch := c0; ch < cw; ch++ {
			var s0, s1 [4]float32 // Aᵀ M
			for j := 0; j < 4; j++ {
				m0, m1, m2, m3 := mt[j*ldm+ch], mt[(4+j)*ldm+ch], mt[(8+j)*ldm+ch], mt[(12+j)*ldm+ch]
				s0[j] = m0 + m1 + m2
				s1[j] = m1 - m2 - m3
			}
			var bias float32
			if b != nil {
				bias = b[ch]
			}
			yt[ch] = min(max(s0[0]+s0[1]+s0[2]+bias, lo), hi)
			yt[pf+ch] = min(max(s0[1]-s0[2]-s0[3]+bias, lo), hi)
			yt[ldy+ch] = min(max(s1[0]+s1[1]+s1[2]+bias, lo), hi)
			yt[ldy+pf+ch] = min(max(s1[1]-s1[2]-s1[3]+bias, lo), hi)
		}
	}
}
