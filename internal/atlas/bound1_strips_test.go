package atlas

import (
	"math"
	"math/rand"
	"testing"
)

// bruteMax1 is the exact largest mean of relu(z) over the vertices of the
// box [lo, hi] of an h×w×cin image (the maximum over the box: the mean
// is convex in the image), visiting the vertices in Gray-code order.
func bruteMax1(K []float64, b float64, kh, kw, cin, h, w int, lo, hi float64) float64 {
	oh, ow := h-kh+1, w-kw+1
	px := h * w * cin
	z := make([]float64, oh*ow)
	for i := range z {
		z[i] = b
		for _, k := range K {
			z[i] += k * lo
		}
	}
	sum := func() float64 {
		var s float64
		for _, v := range z {
			s += max(v, 0)
		}
		return s
	}
	on := make([]bool, px)
	best := sum()
	for g := 1; g < 1<<px; g++ {
		bit := 0
		for g>>bit&1 == 0 {
			bit++
		}
		d := hi - lo
		if on[bit] {
			d = -d
		}
		on[bit] = !on[bit]
		y, x, c := bit/cin/w, bit/cin%w, bit%cin
		for dy := range kh {
			for dx := range kw {
				i, j := y-dy, x-dx
				if i >= 0 && i < oh && j >= 0 && j < ow {
					z[i*ow+j] += d * K[(dy*kw+dx)*cin+c]
				}
			}
		}
		best = max(best, sum())
	}
	return best / float64(oh*ow)
}

// StripBound1 and SplitBound1 hold on small convolutions where the true
// maximum is known (every vertex tried), for strips of mixed heights,
// with zero, random and optimised multipliers (SplitBound1 also from
// StripBound1's prices, where it is at most StripBound1's bound); one
// strip over the whole map is the exact maximum; the subgradients
// satisfy the subgradient inequality (both bounds are convex in their
// parameters).
func TestStripSplitBound1BruteForce(t *testing.T) {
	rng := rand.New(rand.NewSource(17))
	cases := []struct {
		kh, kw, cin, h, w int
		heights           [][]int
	}{
		{2, 2, 1, 4, 5, [][]int{{3}, {1, 1, 1}, {1, 2}, {2, 1}}},    // 2²⁰ images
		{3, 3, 1, 5, 4, [][]int{{3}, {1, 2}, {2, 1}}},               // 2²⁰
		{3, 3, 1, 7, 3, [][]int{{5}, {2, 3}, {1, 2, 2}, {2, 2, 1}}}, // 2²¹
		{2, 3, 1, 5, 4, [][]int{{4}, {1, 3}, {2, 2}, {1, 1, 2}}},    // 2²⁰
	}
	for tc := range len(cases) {
		cs := cases[tc]
		K := make([]float64, cs.kh*cs.kw*cs.cin)
		for i := range K {
			K[i] = rng.NormFloat64()
		}
		b := rng.NormFloat64() * 0.5
		lo, hi := 0.0, 1.0
		if tc%2 == 1 {
			lo, hi = -0.5, 1.5
		}
		exact := bruteMax1(K, b, cs.kh, cs.kw, cs.cin, cs.h, cs.w, lo, hi)
		for _, hs := range cs.heights {
			sb := StripBound1{K: K, B: b, KH: cs.kh, KW: cs.kw, C: cs.cin, H: cs.h, W: cs.w, Heights: hs, Lo: lo, Hi: hi}
			_, _, n := sb.Offsets()
			a := make([]float64, n)
			check := func(what string, v float64) {
				if v < exact-1e-9 {
					t.Errorf("case %d, heights %v, %s: bound %.9f below the maximum %.9f", tc, hs, what, v, exact)
				}
			}
			zero := sb.Bound(a, nil)
			check("strips, zero multipliers", zero)
			if len(hs) == 1 && math.Abs(zero-exact) > 1e-9 {
				t.Errorf("case %d: one strip: bound %.9f, maximum %.9f", tc, zero, exact)
			}
			grad := make([]float64, n)
			for range 10 {
				for i := range a {
					a[i] = rng.NormFloat64() * 0.5
				}
				f0 := sb.Bound(a, grad)
				check("strips, random multipliers", f0)
				subgradient(t, rng, a, grad, f0, func(x []float64) float64 { return sb.Bound(x, nil) }, "strips")
			}
			clear(a)
			opt := sb.Optimise(a, 100, 0.05)
			check("strips, optimised", opt)

			sp := &SplitBound1{S: sb}
			p := make([]float64, sp.Len())
			v := sp.Bound(p, nil)
			check("split, zero", v)
			if len(hs) == 1 && math.Abs(v-exact) > 1e-9 {
				t.Errorf("case %d: split, one strip: bound %.9f, maximum %.9f", tc, v, exact)
			}
			if len(hs) > 1 {
				// The prices of the optimised strips: at most their bound
				// where every strip has one height (one set of prices).
				g := hs[1]
				hs0, off, _ := sb.Offsets()
				k := 0
				for i, h := range hs0 {
					if h == g {
						k = i
					}
				}
				ak := a[off[k]:]
				pp := sp.FromPrices(ak, g, ak)
				fp := sp.Bound(pp, nil)
				check("split, from prices", fp)
				same := true
				for _, h := range hs {
					same = same && h == g
				}
				if same && fp > opt+1e-9 {
					t.Errorf("case %d, heights %v: split from the strips' prices %.9f above their bound %.9f", tc, hs, fp, opt)
				}
			}
			gp := make([]float64, len(p))
			for range 10 {
				for i := range p {
					p[i] = rng.NormFloat64() * 0.5
				}
				f0 := sp.Bound(p, gp)
				check("split, random", f0)
				subgradient(t, rng, p, gp, f0, func(x []float64) float64 { return sp.Bound(x, nil) }, "split")
			}
			clear(p)
			sopt := sp.Optimise(p, 100, 0.05)
			check("split, optimised", sopt)
			t.Logf("case %d, heights %v: maximum %.4f, strips %.4f (zero %.4f), split %.4f", tc, hs, exact, opt, zero, sopt)
		}
	}
}

// subgradient checks f(x + δ) ≥ f(x) + g·δ at a few random δ.
func subgradient(t *testing.T, rng *rand.Rand, x, g []float64, f0 float64, f func([]float64) float64, what string) {
	t.Helper()
	y := make([]float64, len(x))
	for range 3 {
		var lin float64
		for i := range x {
			d := rng.NormFloat64() * 0.1
			y[i] = x[i] + d
			lin += g[i] * d
		}
		if f1 := f(y); f1 < f0+lin-1e-9 {
			t.Errorf("%s: not a subgradient: f(x+δ) %.9f < f(x) + g·δ %.9f", what, f1, f0+lin)
		}
	}
}
