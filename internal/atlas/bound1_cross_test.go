package atlas

import (
	"math"
	"math/rand"
	"testing"
)

// CrossBound1 holds on small convolutions where the true maximum is known
// (every vertex tried), with random and optimised multipliers and prices,
// and its subgradient in the prices is one.
func TestCrossBound1BruteForce(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	for tc := range 8 {
		kh, kw, cin, h, w, gy := 2, 2, 1, 4, 4, 1
		switch tc % 4 {
		case 1:
			gy = 3
		case 2:
			kh, kw, h, w = 3, 2, 5, 4 // cells 3×3
		case 3:
			kh, kw, cin, h, w, gy = 2, 2, 2, 3, 3, 2 // 2¹⁸ images
		}
		taps := kh * kw * cin
		K := make([]float64, taps)
		for i := range K {
			K[i] = rng.NormFloat64()
		}
		b := rng.NormFloat64() * 0.5
		oh, ow := h-kh+1, w-kw+1
		exact := 0.0
		for bits := range 1 << (h * w * cin) {
			var sum float64
			for y := range oh {
				for x := range ow {
					z := b
					for dy := range kh {
						for dx := range kw {
							for c := range cin {
								if bits>>(((y+dy)*w+x+dx)*cin+c)&1 == 1 {
									z += K[(dy*kw+dx)*cin+c]
								}
							}
						}
					}
					sum += max(z, 0)
				}
			}
			exact = max(exact, sum/float64(oh*ow))
		}
		tb := &TileBound1{K: K, B: b, KH: kh, KW: kw, C: cin, H: h, W: w, GY: 1, GX: 1, Lo: 0, Hi: 1}
		cb := NewCrossBound1(tb, gy)
		aR := make([]float64, cb.R.PH()*cb.R.PW()*cin)
		aC := make([]float64, cb.C.PH()*cb.C.PW()*cin)
		mu := make([]float64, h*w*cin)
		if v := cb.Bound(aR, aC, mu, nil, nil, nil); v < exact-1e-9 {
			t.Errorf("case %d: zero multipliers: bound %.6f below the maximum %.6f", tc, v, exact)
		}
		gR, gC, gMu := make([]float64, len(aR)), make([]float64, len(aC)), make([]float64, len(mu))
		for range 20 {
			for _, v := range [][]float64{aR, aC, mu} {
				for i := range v {
					v[i] = rng.NormFloat64() * 0.5
				}
			}
			f0 := cb.Bound(aR, aC, mu, gR, gC, gMu)
			if f0 < exact-1e-9 {
				t.Errorf("case %d: random multipliers: bound %.6f below the maximum %.6f", tc, f0, exact)
			}
			d := make([]float64, len(mu))
			var lin float64
			for i := range d {
				d[i] = rng.NormFloat64() * 0.1
				lin += gMu[i] * d[i]
				mu[i] += d[i]
			}
			if f1 := cb.Bound(aR, aC, mu, nil, nil, nil); f1 < f0+lin-1e-9 {
				t.Errorf("case %d: not a subgradient in μ: f(μ+δ) %.9f < f(μ) + g·δ %.9f", tc, f1, f0+lin)
			}
		}
		clear(aR)
		clear(aC)
		clear(mu)
		opt := cb.Optimise(aR, aC, mu, 300, 0.05)
		if e := cb.Bound(aR, aC, mu, nil, nil, nil); e < exact-1e-9 || math.Abs(e-opt) > 1e-9 {
			t.Errorf("case %d: optimised bound %.6f (returned %.6f), maximum %.6f", tc, e, opt, exact)
		}
		t.Logf("case %d: maximum %.4f, cross bound %.4f (strips of %d)", tc, exact, opt, gy)
	}
}
