package atlas

import "math"

// MeanBound returns an upper bound of channel k's mean activation over
// layer's whole map (after its ReLU, as the grid shows it and as issue
// #15's test measures it) for any image in the box: no image's mean
// exceeds it. Layer must be a convolution of the chain.
//
// Per variant of the pooling relaxation, CROWN (linear) gives Λ, d with
// z_c ≤ Λ·x_c + d for every cell c and its patch x_c, so
//
//	mean_c relu(z_c) ≤ mean_c max(0, Λ·x_c + d),
//
// bounded two ways: by its largest term, relu(d + Σ max(Λ·Lo, Λ·Hi)) (no
// cell exceeds it, nor the mean), and by sharedBound, which accounts for
// the pixels neighbouring cells share. The interval bound (IBP) of one
// cell also bounds the mean. The smallest of these is returned.
func (bd *Bounder) MeanBound(layer string, k int) (float64, error) {
	j, err := bd.index(layer)
	if err != nil {
		return 0, err
	}
	if bd.layers[j].pool > 0 {
		return math.Max(bd.zu[j][k], 0), nil
	}
	best := max(bd.zu[j][k], 0)
	stride := 1
	for _, l := range bd.layers[:j] {
		stride *= max(l.pool, 1)
	}
	for v := range bd.variants(j) {
		lam, d, r, top := bd.linear(j, k, 1, v)
		best = min(best, max(top, 0))
		if top > 0 {
			best = min(best, sharedBound(lam, d, r, bd.in[2], stride, bd.in[0], bd.in[1], bd.Lo, bd.Hi))
		}
	}
	return best, nil
}

// sharedBound bounds mean_c max(0, Λ·x_c + d) over the images x in the
// box [lo, hi], where cell c = (i, j) of the (h−r)/s+1 × (w−r)/s+1 grid
// reads the r×r×ch patch x_c at (s·i, s·j). A Lagrangian relaxation of
// the pixels the cells share (firstLayerBound's, with a stride): for any
// weights a on the patch's taps,
//
//	mean_c max(0, Λ·x_c + d) = mean_c [max(0, Λ·x_c + d) + a·x_c] − (1/N) Σ_x x·A_x
//	                         ≤ max_p [max(0, Λ·p + d) + a·p] + (1/N) Σ_x max(−lo·A_x, −hi·A_x)
//
// with A_x the sum of the taps a that read pixel x over all cells and N
// the cells. The first term is max(Σ max(a·lo, a·hi), d + Σ max((Λ + a)·lo,
// (Λ + a)·hi)) in closed form. Any a gives a valid bound (a = 0: the
// largest cell's); when the taps of each colour and each stride phase
// (dy mod s, dx mod s) sum to zero, A_x = 0 at every interior pixel (read
// once by every tap of its phase) and only the border pays. A projected
// subgradient descent on a (on the first term; the border term is
// evaluated every 50 steps) finds a small bound; the smallest seen is
// returned.
func sharedBound(lam []float64, d float64, r, ch, s, h, w int, lo, hi float64) float64 {
	oh, ow := (h-r)/s+1, (w-r)/s+1
	n := float64(oh * ow)
	taps := r * r * ch
	best := func(v float64) float64 { return max(v*lo, v*hi) }
	pick := func(v float64) float64 {
		if v > 0 {
			return hi
		}
		return lo
	}
	A := make([]float64, h*w*ch)
	border := func(a []float64) float64 {
		clear(A)
		for i := range oh {
			for j := range ow {
				for dy := range r {
					row := A[((s*i+dy)*w+s*j)*ch : ((s*i+dy)*w+s*j+r)*ch]
					src := a[dy*r*ch : (dy+1)*r*ch]
					for q, v := range src {
						row[q] += v
					}
				}
			}
		}
		var sum float64
		for _, v := range A {
			sum += best(-v)
		}
		return sum / n
	}
	patch := func(a, g []float64) float64 {
		var off, on float64
		on = d
		for t := range taps {
			off += best(a[t])
			on += best(lam[t] + a[t])
		}
		if off > on {
			for t := range taps {
				g[t] = pick(a[t])
			}
			return off
		}
		for t := range taps {
			g[t] = pick(lam[t] + a[t])
		}
		return on
	}
	a, g := make([]float64, taps), make([]float64, taps)
	bound := patch(a, g) + border(a)
	var scale float64
	for _, v := range lam {
		scale = max(scale, math.Abs(v))
	}
	// groups: taps of one colour and stride phase
	group := make([]int, taps)
	for dy := range r {
		for dx := range r {
			for c := range ch {
				group[(dy*r+dx)*ch+c] = ((dy%s)*s+dx%s)*ch + c
			}
		}
	}
	ng := s * s * ch
	sum, cnt := make([]float64, ng), make([]float64, ng)
	for _, q := range group {
		cnt[q]++
	}
	const iters = 3000
	for it := range iters {
		patch(a, g)
		step := 0.5 * scale / math.Sqrt(float64(it+1)) / (hi - lo)
		clear(sum)
		for t := range a {
			a[t] -= step * (g[t] - (lo+hi)/2)
			sum[group[t]] += a[t]
		}
		for t := range a {
			a[t] -= sum[group[t]] / cnt[group[t]]
		}
		if it%50 == 49 || it == iters-1 {
			bound = min(bound, patch(a, g)+border(a))
		}
	}
	return bound
}
