package atlas

import (
	"math"

	"github.com/convscope/convscope/nn"
)

// firstLayerBound returns an upper bound of the largest mean activation,
// relu(z) averaged over the whole map, that channel o of the first
// convolution (valid padding, stride 1, kernel K of shape (kh, kw, c),
// bias b) reaches on any h×w image with pixels in [lo, hi]: the smaller of
// two bounds, both exact arithmetic on the kernel, no optimisation of the
// image.
//
// Triangle relaxation (Ehlers 2017; Wong & Kolter 2018): every cell's z
// lies in [l, u] (interval bounds), where relu(z) ≤ u·(z − l)/(u − l); the
// map's mean of that is linear in the image, and its largest value over
// the box puts each pixel at hi or lo by the sign of the summed taps that
// read it.
//
// Lagrangian relaxation of the pixels the cells share: for any weights a
// on the kernel's taps whose sum over the taps is zero in each colour
// channel, the sum over the cells of a·patch is zero at interior pixels
// (each is read once by every tap), so
//
//	mean relu(z) ≤ max_patch [relu(b + K·p) + a·p] + (1/N)·Σ_border max(−x·A_x)
//
// with A_x the sum of the taps that read border pixel x, N the cells. The
// patch term is max(Σ max(a·v)), b + Σ max((K + a)·v)) over v ∈ {lo, hi}
// per tap: closed form. Any such a gives a valid bound (a = 0 is the
// interval bound); a projected subgradient descent on a finds a small one.
func firstLayerBound(k, bias []float32, kh, kw, cin, cout, o, h, w int, lo, hi float64) (tri, lag float64) {
	oh, ow := h-kh+1, w-kw+1
	n := float64(oh * ow)
	taps := kh * kw * cin
	K := make([]float64, taps)
	for t := range taps {
		K[t] = float64(k[t*cout+o])
	}
	b := float64(bias[o])
	best := func(v float64) float64 { return max(v*lo, v*hi) } // max over a pixel of v·x
	l, u := b, b
	for _, v := range K {
		l += min(v*lo, v*hi)
		u += best(v)
	}
	// Per pixel, the summed taps reading it (all of them inside).
	readers := func(y, x, c int, a []float64) float64 {
		var s float64
		for dy := range kh {
			for dx := range kw {
				if cy, cx := y-dy, x-dx; cy >= 0 && cy < oh && cx >= 0 && cx < ow {
					s += a[(dy*kw+dx)*cin+c]
				}
			}
		}
		return s
	}
	// Triangle.
	var meanZ float64
	for y := range h {
		for x := range w {
			for c := range cin {
				meanZ += best(readers(y, x, c, K))
			}
		}
	}
	meanZ = b + meanZ/n
	switch {
	case u <= 0:
		tri = 0
	case l >= 0:
		tri = meanZ
	default:
		tri = u / (u - l) * (meanZ - l)
	}
	// Lagrangian.
	border := func(a []float64) float64 {
		var s float64
		for y := range h {
			for x := range w {
				if y >= kh-1 && y < oh && x >= kw-1 && x < ow {
					continue // interior: every tap reads it, the sum is 0
				}
				for c := range cin {
					s += best(-readers(y, x, c, a))
				}
			}
		}
		return s / n
	}
	patch := func(a []float64) (v float64, grad []float64) {
		var off, on float64
		gOff, gOn := make([]float64, taps), make([]float64, taps)
		on = b
		for t := range taps {
			off += best(a[t])
			gOff[t] = hiOrLo(a[t], lo, hi)
			on += best(K[t] + a[t])
			gOn[t] = hiOrLo(K[t]+a[t], lo, hi)
		}
		if off > on {
			return off, gOff
		}
		return on, gOn
	}
	a := make([]float64, taps)
	lag, _ = patch(a)
	lag += border(a)
	step := 0.05
	for it := range 4000 {
		_, g := patch(a)
		for t := range a {
			a[t] -= step / math.Sqrt(float64(it+1)) * g[t]
		}
		for c := range cin { // project: Σ over the taps of a is 0 per colour
			var s float64
			for t := c; t < taps; t += cin {
				s += a[t]
			}
			for t := c; t < taps; t += cin {
				a[t] -= s / float64(kh*kw)
			}
		}
		if it%50 == 49 {
			v, _ := patch(a)
			lag = min(lag, v+border(a))
		}
	}
	return tri, lag
}

// hiOrLo is the pixel value that maximises v·x over [lo, hi].
func hiOrLo(v, lo, hi float64) float64 {
	if v > 0 {
		return hi
	}
	return lo
}

// firstConvBounds is firstLayerBound for every channel of net's first
// layer, a Conv2D, on its input with pixels in [0, 255·rescale]: the
// smaller of the two bounds per channel.
func firstConvBounds(net *nn.Sequential, rescale float64) []float64 {
	l := net.Layers()[0]
	ps := l.Params()
	k, bias := ps[0], ps[1]
	in := net.InputShape()
	kh, kw, cin, cout := k.Shape[0], k.Shape[1], k.Shape[2], k.Shape[3]
	out := make([]float64, cout)
	for o := range cout {
		tri, lag := firstLayerBound(k.Value, bias.Value, kh, kw, cin, cout, o, in[0], in[1], 0, 255*rescale)
		out[o] = min(tri, lag)
	}
	return out
}
