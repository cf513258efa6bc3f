package atlas

import (
	"math"
)

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
		for j := range w - kw + 1 {
			for i := range g {
				if masks[j]>>i&1 == 0 {
					continue
				}
				t := 0
				for dy := range kh {
					for dx := range kw {
						for ch := range c {
							coef[((i+dy)*w+j+dx)*c+ch] += sb.K[t]
							t++
						}
					}
				}
			}
		}
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
	g := make([]float64, len(a))
	m1, m2 := make([]float64, len(a)), make([]float64, len(a))
	best := sb.Bound(a, g)
	bestA := append([]float64(nil), a...)
	const b1, b2 = 0.9, 0.999
	for it := 1; it <= iters; it++ {
		step := lr * (1 - 0.9*float64(it)/float64(iters))
		c1, c2 := 1-math.Pow(b1, float64(it)), 1-math.Pow(b2, float64(it))
		for i := range a {
			m1[i] = b1*m1[i] + (1-b1)*g[i]
			m2[i] = b2*m2[i] + (1-b2)*g[i]*g[i]
			a[i] -= step * (m1[i] / c1) / (math.Sqrt(m2[i]/c2) + 1e-12)
		}
		if v := sb.Bound(a, g); v < best {
			best = v
			copy(bestA, a)
		}
	}
	copy(a, bestA)
	return best
}
