package atlas

// TileBound1 is a bound of the largest mean activation a channel of the
// first convolution (valid padding, stride 1) reaches over images with
// pixels in [Lo, Hi]: a Lagrangian decomposition of the map into tiles of
// GY×GX cells, each tile maximised exactly.
//
// The map's sum of relu(z) is the sum over the tiles of
// T(p) = Σ_{cells c of the tile} relu(b + K·p_c), p the tile's
// (GY+kh−1)×(GX+kw−1) patch. For any multipliers a on the patch,
//
//	Σ_cells relu(z) = Σ_tiles [T(p_t) + a·p_t] − Σ_pixels x·A_x
//	               ≤ n_tiles·max_p [T(p) + a·p] + Σ_pixels max_x(−x·A_x),
//
// A_x the sum of the multipliers of every tile position that reads pixel
// x. Where a sums to zero over each stride phase of the patch (its
// positions ≡ (i, j) mod (GY, GX), per colour), A_x = 0 at every interior
// pixel and only the border pays; the second term is computed pixel by
// pixel, so any a, zero sums or not, gives a valid bound. The tile term is
// exact: Σ_c relu(z_c) = max over the subsets S of the cells of
// Σ_{c∈S} z_c, for each S linear in p and maximised pixel by pixel (at Hi
// or Lo by the sign of its summed coefficient); the 2^(GY·GX) subsets are
// visited in Gray-code order. With GY = GX = 1 this is firstLayerBound's
// Lagrangian; larger tiles let neighbouring cells agree on the pixels they
// share instead of being priced apart (Bunel et al., "Lagrangian
// decomposition for neural network verification", UAI 2020).
type TileBound1 struct {
	K         []float64 // taps (dy, dx, c) of the channel, kh·kw·cin
	B         float64   // bias
	KH, KW, C int       // kernel and input channels
	H, W      int       // image
	GY, GX    int       // tile of cells; (H−KH+1) % GY == 0, (W−KW+1) % GX == 0
	Lo, Hi    float64   // pixel box
	// DP maximises a tile by dynamic programming over its columns
	// (tileMaxDP) instead of enumerating its subsets of cells: for wide
	// tiles (strips of up to 4 rows of cells).
	DP bool
	// Lin, if not nil, adds Lin·x (per pixel of the image) to the
	// objective bounded; Bound then stores in LinGrad (if not nil) a
	// subgradient with respect to Lin (CrossBound1).
	Lin, LinGrad []float64
	coef, best   []float64 // scratch
}

// PH and PW are the tile's patch size.
func (tb *TileBound1) PH() int { return tb.GY + tb.KH - 1 }

// PW is the tile's patch width.
func (tb *TileBound1) PW() int { return tb.GX + tb.KW - 1 }

// box is max over a pixel x in [Lo, Hi] of v·x, argmax the x.
func (tb *TileBound1) box(v float64) float64 { return max(v*tb.Lo, v*tb.Hi) }

func (tb *TileBound1) argmax(v float64) float64 {
	if v > 0 {
		return tb.Hi
	}
	return tb.Lo
}

// tileMax returns max_p [T(p) + a·p] and, in p (if not nil), a maximising
// patch. exact recomputes every subset's value from scratch (for the
// certificate) instead of updating it along the Gray code.
func (tb *TileBound1) tileMax(a, p []float64, exact bool) float64 {
	pw, c := tb.PW(), tb.C
	n := len(a)
	if len(tb.coef) != n {
		tb.coef, tb.best = make([]float64, n), make([]float64, n)
	}
	coef := tb.coef
	copy(coef, a)
	cells := tb.GY * tb.GX
	in := make([]bool, cells)
	sum := func() float64 {
		var s float64
		for _, v := range coef {
			s += tb.box(v)
		}
		return s
	}
	cur := sum()
	count := 0
	top := cur
	bestCode := uint64(0)
	toggle := func(cell int, sign float64) {
		cy, cx := cell/tb.GX, cell%tb.GX
		t := 0
		for dy := range tb.KH {
			row := ((cy+dy)*pw + cx) * c
			for dx := range tb.KW {
				base := row + dx*c
				for ch := range c {
					i := base + ch
					old := coef[i]
					coef[i] = old + sign*tb.K[t]
					cur += tb.box(coef[i]) - tb.box(old)
					t++
				}
			}
		}
	}
	code := uint64(0)
	for g := uint64(1); g < 1<<cells; g++ {
		bit := 0
		for g>>bit&1 == 0 {
			bit++
		}
		code ^= 1 << bit
		if in[bit] {
			toggle(bit, -1)
			count--
		} else {
			toggle(bit, 1)
			count++
		}
		in[bit] = !in[bit]
		v := cur
		if exact {
			v = sum()
		}
		v += float64(count) * tb.B
		if v > top {
			top, bestCode = v, code
		}
	}
	if p != nil || exact {
		copy(coef, a)
		for cell := range cells {
			if bestCode>>cell&1 == 1 {
				toggle(cell, 1)
			}
		}
		if p != nil {
			for i, v := range coef {
				p[i] = tb.argmax(v)
			}
		}
	}
	return top
}

// Bound returns the bound the multipliers a give (the mean over the map)
// and, in grad (if not nil), a subgradient with respect to a. exact makes
// the tile's maximum a fresh sum per subset (see tileMax): the
// certificate's evaluation.
func (tb *TileBound1) Bound(a, grad []float64, exact bool) float64 {
	oh, ow := tb.H-tb.KH+1, tb.W-tb.KW+1
	ty, tx := oh/tb.GY, ow/tb.GX
	var p []float64
	if grad != nil {
		p = make([]float64, len(a))
	}
	var m float64
	if tb.DP {
		m = tb.tileMaxDP(a, p)
	} else {
		m = tb.tileMax(a, p, exact)
	}
	total := float64(ty*tx) * m
	// A_x per pixel.
	A := make([]float64, tb.H*tb.W*tb.C)
	tb.forTilePixels(func(o, q int) { A[o] += a[q] })
	for i, v := range A {
		if tb.Lin != nil {
			v -= tb.Lin[i]
		}
		A[i] = v
		total += tb.box(-v)
		if tb.LinGrad != nil {
			tb.LinGrad[i] = tb.argmax(-v) / float64(oh*ow)
		}
	}
	cellsN := float64(oh * ow)
	if grad != nil {
		for q := range grad {
			grad[q] = float64(ty*tx) * p[q]
		}
		tb.forTilePixels(func(o, q int) { grad[q] -= tb.argmax(-A[o]) })
		for q := range grad {
			grad[q] /= cellsN
		}
	}
	return total / cellsN
}

// forTilePixels calls f(o, q) for every tile of the map and every value
// of its patch: o the value's index in the image, q its index in the
// tile's patch (the scatter of the multipliers onto the pixels and the
// gather of their subgradient).
func (tb *TileBound1) forTilePixels(f func(o, q int)) {
	ty, tx := (tb.H-tb.KH+1)/tb.GY, (tb.W-tb.KW+1)/tb.GX
	ph, pw, c := tb.PH(), tb.PW(), tb.C
	for i := range ty {
		for j := range tx {
			for y := range ph {
				for x := range pw {
					o := ((i*tb.GY+y)*tb.W + j*tb.GX + x) * c
					q := (y*pw + x) * c
					for ch := range c {
						f(o+ch, q+ch)
					}
				}
			}
		}
	}
}

// Refine maps multipliers of tiles gy0×gx0 (of the same kernel) to tiles
// of tb's size made of those smaller tiles (GY % gy0 == 0, GX % gx0 == 0):
// each small tile's multipliers added at its place. The bound of the
// result is at most that of a0 (the large tile's maximum is at most the
// sum of its small tiles' maxima; the pixel term is the same).
func (tb *TileBound1) Refine(a0 []float64, gy0, gx0 int) []float64 {
	pw0 := gx0 + tb.KW - 1
	ph0 := gy0 + tb.KH - 1
	pw, c := tb.PW(), tb.C
	a := make([]float64, tb.PH()*pw*c)
	for i := 0; i < tb.GY; i += gy0 {
		for j := 0; j < tb.GX; j += gx0 {
			for y := range ph0 {
				for x := range pw0 {
					for ch := range c {
						a[((i+y)*pw+j+x)*c+ch] += a0[(y*pw0+x)*c+ch]
					}
				}
			}
		}
	}
	return a
}

// Optimise runs iters steps of Adam (step lr, falling to lr/10) on the
// multipliers from a (changed in place to the best found) and returns
// the smallest bound seen.
func (tb *TileBound1) Optimise(a []float64, iters int, lr float64) float64 {
	return adamMinimise(a, iters, lr, func(a, g []float64) float64 { return tb.Bound(a, g, false) })
}
