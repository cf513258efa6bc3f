package atlas

// StripBound1 bounds the largest mean activation a channel of the first
// convolution (valid padding, stride 1) reaches over images with pixels
// in [Lo, Hi], decomposing the map into horizontal strips of whole rows
// of cells (Heights, top to bottom, of any sizes summing to the map's
// height), each maximised exactly by dynamic programming over its
// columns. It is TileBound1's Lagrangian with strips of mixed heights
// and a faster exact strip maximum (tables per group of pixel rows), so
// that strips of 5–8 rows of cells are affordable.
//
// The multipliers a hold one (G+KH−1)×W×C array per distinct height G
// (in order of first appearance), shared by every strip of that height;
// with A_x the sum of the multipliers of the strips that read pixel x,
//
//	Σ_cells relu(z) = Σ_strips [T(p_s) + a_G·p_s] − Σ_pixels x·A_x
//	               ≤ Σ_G n_G·max_p [T_G(p) + a_G·p] + Σ_pixels max_x(−x·A_x),
//
// valid for any a (Bunel et al., UAI 2020; the overlap of two strips is
// the KH−1 pixel rows both read).
type StripBound1 struct {
	K         []float64 // taps (dy, dx, c), kh·kw·cin
	B         float64   // bias
	KH, KW, C int       // kernel and input channels
	H, W      int       // image
	Heights   []int     // rows of cells of each strip, top to bottom
	Lo, Hi    float64   // pixel box
	// MaxBits caps a row group's table at 2^MaxBits entries (0: 12).
	MaxBits int
}

// kinds returns the distinct strip heights in order of first appearance
// and how many strips have each.
func (sb *StripBound1) kinds() (hs, counts []int) {
	for _, g := range sb.Heights {
		found := false
		for i, h := range hs {
			if h == g {
				counts[i]++
				found = true
			}
		}
		if !found {
			hs, counts = append(hs, g), append(counts, 1)
		}
	}
	return hs, counts
}

// Offsets returns where each distinct height's multipliers start in a
// and the length of a.
func (sb *StripBound1) Offsets() (hs []int, off []int, n int) {
	hs, _ = sb.kinds()
	for _, g := range hs {
		off = append(off, n)
		n += (g + sb.KH - 1) * sb.W * sb.C
	}
	return hs, off, n
}

func (sb *StripBound1) box(v float64) float64 { return max(v*sb.Lo, v*sb.Hi) }

func (sb *StripBound1) argmax(v float64) float64 {
	if v > 0 {
		return sb.Hi
	}
	return sb.Lo
}

// stripMax returns max_p [T_g(p) + a·p] for a strip of g rows of cells
// across the whole width (a its (g+KH−1)×W×C multipliers) and, in p (if
// not nil), a maximising patch.
func (sb *StripBound1) stripMax(g int, a, p []float64) float64 {
	var masks []int
	if p != nil {
		masks = make([]int, sb.W)
	}
	v := sb.stripDP(g, a, nil, masks)
	if p != nil {
		kh, kw, c, w := sb.KH, sb.KW, sb.C, sb.W
		ph := g + kh - 1
		coef := append([]float64(nil), a[:ph*w*c]...)
		addActiveKernels(coef, sb.K, kh, kw, c, w, w-kw+1, g, 0, masks)
		for i, v := range coef {
			p[i] = sb.argmax(v)
		}
	}
	return v
}

// Bound returns the bound the multipliers a give (the mean over the map)
// and, in grad (if not nil), a subgradient with respect to a.
func (sb *StripBound1) Bound(a, grad []float64) float64 {
	hs, off, n := sb.Offsets()
	_, counts := sb.kinds()
	c, w := sb.C, sb.W
	oh, ow := sb.H-sb.KH+1, sb.W-sb.KW+1
	var total float64
	patches := make([][]float64, len(hs))
	for k, g := range hs {
		ak := a[off[k] : off[k]+(g+sb.KH-1)*w*c]
		if grad != nil {
			patches[k] = make([]float64, len(ak))
		}
		total += float64(counts[k]) * sb.stripMax(g, ak, patches[k])
	}
	kindOf := func(g int) int {
		for k, h := range hs {
			if h == g {
				return k
			}
		}
		return -1
	}
	A := make([]float64, sb.H*w*c)
	y0 := 0
	for _, g := range sb.Heights {
		k := kindOf(g)
		sz := (g + sb.KH - 1) * w * c
		for i, v := range a[off[k] : off[k]+sz] {
			A[y0*w*c+i] += v
		}
		y0 += g
	}
	for _, v := range A {
		total += sb.box(-v)
	}
	if grad != nil {
		clear(grad[:n])
		for k := range hs {
			for i, v := range patches[k] {
				grad[off[k]+i] = float64(counts[k]) * v
			}
		}
		y0 = 0
		for _, g := range sb.Heights {
			k := kindOf(g)
			sz := (g + sb.KH - 1) * w * c
			for i := range sz {
				grad[off[k]+i] -= sb.argmax(-A[y0*w*c+i])
			}
			y0 += g
		}
		for i := range grad[:n] {
			grad[i] /= float64(oh * ow)
		}
	}
	return total / float64(oh*ow)
}

// Optimise runs iters steps of Adam (step lr, falling to lr/10) on the
// multipliers from a (changed in place to the best found) and returns
// the smallest bound seen.
func (sb *StripBound1) Optimise(a []float64, iters int, lr float64) float64 {
	return adamMinimise(a, iters, lr, sb.Bound)
}
