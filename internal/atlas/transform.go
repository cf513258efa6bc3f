package atlas

import (
	"math"
	"math/rand"
)

// affine is one random transformation of the image: output pixel (i, j)
// reads the input at
//
//	(y, x) = R(−θ)·((i, j) − c)/s + c − (ty, tx)
//
// with the image centre c, scale s, rotation θ and translation (ty, tx),
// bilinearly interpolated, positions outside the image clamped to its edge.
// Lucid's standard transformations (Olah, Mordvintsev & Schubert, "Feature
// visualization", Distill 2017: jitter, random scale, random rotation) in
// one resampling.
type affine struct {
	a, b, c, d float64 // the inverse linear map: y = a·u + b·v, x = c·u + d·v
	ty, tx     float64
}

func randomAffine(rng *rand.Rand, o Options) affine {
	s := 1 + max(o.Scale, 0)*(2*rng.Float64()-1)
	th := max(o.Rotate, 0) * math.Pi / 180 * (2*rng.Float64() - 1)
	cos, sin := math.Cos(th)/s, math.Sin(th)/s
	j := float64(max(o.Jitter, 0))
	return affine{a: cos, b: sin, c: -sin, d: cos,
		ty: math.Round(j * (2*rng.Float64() - 1)), tx: math.Round(j * (2*rng.Float64() - 1))}
}

// taps returns, for output pixel (i, j) of an h×w image, the four input
// pixels (row-major indexes) and their bilinear weights.
func (t affine) taps(i, j, h, w int) (idx [4]int, wt [4]float32) {
	cy, cx := float64(h-1)/2, float64(w-1)/2
	u, v := float64(i)-cy, float64(j)-cx
	y := t.a*u + t.b*v + cy - t.ty
	x := t.c*u + t.d*v + cx - t.tx
	y = min(max(y, 0), float64(h-1))
	x = min(max(x, 0), float64(w-1))
	y0, x0 := int(y), int(x)
	y1, x1 := min(y0+1, h-1), min(x0+1, w-1)
	fy, fx := float32(y-float64(y0)), float32(x-float64(x0))
	idx = [4]int{y0*w + x0, y0*w + x1, y1*w + x0, y1*w + x1}
	wt = [4]float32{(1 - fy) * (1 - fx), (1 - fy) * fx, fy * (1 - fx), fy * fx}
	return idx, wt
}

// apply writes the transformed src (h, w, c) into dst.
func (t affine) apply(dst, src []float32, h, w, c int) {
	for i := range h {
		for j := range w {
			idx, wt := t.taps(i, j, h, w)
			o := dst[(i*w+j)*c : (i*w+j+1)*c]
			clear(o)
			for k := range 4 {
				s := src[idx[k]*c : idx[k]*c+c]
				for ch := range o {
					o[ch] += wt[k] * s[ch]
				}
			}
		}
	}
}

// adjoint accumulates the gradient: given dL/d(dst) in g, it writes
// dL/d(src) = Tᵀ g into dsrc (overwritten).
func (t affine) adjoint(dsrc, g []float32, h, w, c int) {
	clear(dsrc)
	for i := range h {
		for j := range w {
			idx, wt := t.taps(i, j, h, w)
			gi := g[(i*w+j)*c : (i*w+j+1)*c]
			for k := range 4 {
				d := dsrc[idx[k]*c : idx[k]*c+c]
				for ch := range d {
					d[ch] += wt[k] * gi[ch]
				}
			}
		}
	}
}

// blur applies a separable 3-tap Gaussian of standard deviation sigma to
// an (h, w, c) image in place, edges clamped (DeepVis' periodic blur:
// Yosinski et al., "Understanding neural networks through deep
// visualization", ICML DL workshop 2015, §3). tmp must hold h·w·c values.
func blur(img, tmp []float32, h, w, c int, sigma float64) {
	e := float32(math.Exp(-1 / (2 * sigma * sigma)))
	k0, k1 := 1/(1+2*e), e/(1+2*e)
	for i := range h {
		for j := range w {
			l, r := max(j-1, 0), min(j+1, w-1)
			for ch := range c {
				tmp[(i*w+j)*c+ch] = k0*img[(i*w+j)*c+ch] + k1*(img[(i*w+l)*c+ch]+img[(i*w+r)*c+ch])
			}
		}
	}
	for i := range h {
		u, d := max(i-1, 0), min(i+1, h-1)
		for j := range w {
			for ch := range c {
				img[(i*w+j)*c+ch] = k0*tmp[(i*w+j)*c+ch] + k1*(tmp[(u*w+j)*c+ch]+tmp[(d*w+j)*c+ch])
			}
		}
	}
}
