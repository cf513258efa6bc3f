package atlas

// CrossBound1 bounds a first convolution's largest mean activation by
// two copies of the image, one decomposed into strips of rows of cells
// and one into strips of columns, made to agree by prices μ on the
// pixels (dual decomposition of a grid into horizontal and vertical
// chains; Komodakis, Paragios & Tziritas, "MRF optimization via dual
// decomposition", ICCV 2007, for the idea). With G the mean of
// relu(z/2) (kernel and bias halved: relu(z) = 2·relu(z/2)), the mean of
// relu(z) is G(x) + G(x), so for any μ
//
//	max_x mean relu(z) ≤ max_x [G(x) + μ·x] + max_x [G(x) − μ·x],
//
// the first bounded by R (TileBound1 with Lin = μ: each strip coupled
// only to the strips above and below), the second by C (the same on the
// transposed image and kernel, Lin = −μᵀ: coupled only left and right).
// Any multipliers and μ give a valid bound.
type CrossBound1 struct {
	R, C *TileBound1
}

// NewCrossBound1 makes the cross decomposition of tb's channel (stride 1,
// valid padding) with strips of gy cells across the whole map: R of rows,
// C of columns (tb's tiles are not used).
func NewCrossBound1(tb *TileBound1, gy int) *CrossBound1 {
	oh, ow := tb.H-tb.KH+1, tb.W-tb.KW+1
	half := make([]float64, len(tb.K))
	kt := make([]float64, len(tb.K))
	for dy := range tb.KH {
		for dx := range tb.KW {
			for c := range tb.C {
				v := tb.K[(dy*tb.KW+dx)*tb.C+c] / 2
				half[(dy*tb.KW+dx)*tb.C+c] = v
				kt[(dx*tb.KH+dy)*tb.C+c] = v
			}
		}
	}
	r := &TileBound1{K: half, B: tb.B / 2, KH: tb.KH, KW: tb.KW, C: tb.C, H: tb.H, W: tb.W, GY: gy, GX: ow, Lo: tb.Lo, Hi: tb.Hi, DP: true}
	c := &TileBound1{K: kt, B: tb.B / 2, KH: tb.KW, KW: tb.KH, C: tb.C, H: tb.W, W: tb.H, GY: gy, GX: oh, Lo: tb.Lo, Hi: tb.Hi, DP: true}
	n := tb.H * tb.W * tb.C
	r.Lin, r.LinGrad = make([]float64, n), make([]float64, n)
	c.Lin, c.LinGrad = make([]float64, n), make([]float64, n)
	return &CrossBound1{R: r, C: c}
}

// transposeImage is x (h, w, c) as (w, h, c).
func transposeImage(dst, x []float64, h, w, c int) {
	for y := range h {
		for xx := range w {
			copy(dst[(xx*h+y)*c:(xx*h+y+1)*c], x[(y*w+xx)*c:(y*w+xx+1)*c])
		}
	}
}

// Bound returns the bound of multipliers aR, aC and prices mu (the
// image's size) and, with gR non-nil, subgradients in gR, gC, gMu.
func (cb *CrossBound1) Bound(aR, aC, mu, gR, gC, gMu []float64) float64 {
	r, c := cb.R, cb.C
	copy(r.Lin, mu)
	transposeImage(c.Lin, mu, r.H, r.W, r.C)
	for i := range c.Lin {
		c.Lin[i] = -c.Lin[i]
	}
	b := r.Bound(aR, gR, true) + c.Bound(aC, gC, true)
	if gMu != nil {
		transposeImage(gMu, c.LinGrad, c.H, c.W, c.C) // back to (h, w, c)
		for i := range gMu {
			gMu[i] = r.LinGrad[i] - gMu[i]
		}
	}
	return b
}

// Optimise runs Adam on (aR, aC, mu) for iters steps (step lr falling
// to lr/10), leaves the best found in them and returns its bound.
func (cb *CrossBound1) Optimise(aR, aC, mu []float64, iters int, lr float64) float64 {
	nR, nC := len(aR), len(aC)
	p := append(append(append([]float64(nil), aR...), aC...), mu...) // one vector: Adam works per coordinate
	best := adamMinimise(p, iters, lr, func(p, g []float64) float64 {
		return cb.Bound(p[:nR], p[nR:nR+nC], p[nR+nC:], g[:nR], g[nR:nR+nC], g[nR+nC:])
	})
	copy(aR, p[:nR])
	copy(aC, p[nR:nR+nC])
	copy(mu, p[nR+nC:])
	return best
}
