package atlas

import "math"

// adamMinimise runs iters steps of Adam (Kingma & Ba 2015; β₁ 0.9, β₂
// 0.999, step lr falling linearly to lr/10) on p to make bound small,
// where bound(p, g) returns the bound at p and stores a subgradient in g.
// p is left at the best point seen; the smallest bound is returned. The
// first-layer bounds' multipliers (TileBound1, StripBound1, SplitBound1,
// CrossBound1) are all optimised this way: any p gives a valid bound, so
// the optimiser only has to make it small.
func adamMinimise(p []float64, iters int, lr float64, bound func(p, g []float64) float64) float64 {
	g := make([]float64, len(p))
	m1, m2 := make([]float64, len(p)), make([]float64, len(p))
	best := bound(p, g)
	bestP := append([]float64(nil), p...)
	const b1, b2 = 0.9, 0.999
	for it := 1; it <= iters; it++ {
		step := lr * (1 - 0.9*float64(it)/float64(iters))
		c1, c2 := 1-math.Pow(b1, float64(it)), 1-math.Pow(b2, float64(it))
		for i := range p {
			m1[i] = b1*m1[i] + (1-b1)*g[i]
			m2[i] = b2*m2[i] + (1-b2)*g[i]*g[i]
			p[i] -= step * (m1[i] / c1) / (math.Sqrt(m2[i]/c2) + 1e-12)
		}
		if v := bound(p, g); v < best {
			best = v
			copy(bestP, p)
		}
	}
	copy(p, bestP)
	return best
}

// addActiveKernels adds the kernel k (taps dy, dx, c of a kh×kw
// convolution over c channels) to coef, a patch of rows × width pixels
// of c channels, once for every active cell: cell (i, j), i < rows of
// cells, j < cols, is active when bit i of masks[j] is set. With wrap > 0
// the patch rows are taken mod wrap (a row-periodic image). The result is
// the linear coefficient of each pixel when those cells are active, whose
// pixel-wise argmax over the box is a maximising image (the primal of the
// strip and tile bounds).
func addActiveKernels(coef, k []float64, kh, kw, c, width, cols, rows, wrap int, masks []int) {
	for j := range cols {
		for i := range rows {
			if masks[j]>>i&1 == 0 {
				continue
			}
			t := 0
			for dy := range kh {
				row := i + dy
				if wrap > 0 {
					row %= wrap
				}
				for dx := range kw {
					for ch := range c {
						coef[(row*width+j+dx)*c+ch] += k[t]
						t++
					}
				}
			}
		}
	}
}
