package atlas

import (
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
)

// spectrum is the decorrelated Fourier image parameterisation of Olah,
// Mordvintsev & Schubert ("Feature visualization", Distill 2017, §"The
// Enemy of Feature Visualization" and its Lucid code,
// lucid/optvis/param/spatial.py fft_image). Each colour channel of the
// image is the inverse real 2-D DFT of a half spectrum P[u, v]
// (u < H, v ≤ W/2; W the width rounded up to even, the extra column cropped
// as Lucid does), scaled so that every frequency starts with the energy of
// natural images' 1/f amplitude spectrum:
//
//	y[m, n] = (1/4)·(1/(H·W))·Σ_{u, v} c_v·Re( s[u, v]·P[u, v]·e^{2πi(u·m/H + v·n/W)} )
//	s[u, v] = √(H·W) / max(f[u, v], 1/max(H, W))^d,  f = √(fy(u)² + fx(v)²)
//
// with fy, fx numpy's fftfreq (cycles per pixel, |f| ≤ 1/2), decay power
// d = 1, c_v = 1 for the v = 0 and Nyquist columns and 2 for the others
// (their conjugate twins), and Lucid's constant 1/4. The image y then goes
// through the colour decorrelation and the sigmoid (see the package doc).
// Gradient ascent on P instead of on pixels takes equal steps in every
// frequency band scaled by 1/f, so low frequencies (shapes, colour
// fields) are as easy to change as the high ones that otherwise dominate
// (the noise of plain pixel ascent).
//
// The adjoint needed for the gradient follows from y being linear in
// (Re P, Im P): ∂y[m,n]/∂Re P = k·c_v·cos θ, ∂y/∂Im P = −k·c_v·sin θ
// (k = s/(4HW), θ the phase above), so
//
//	∂J/∂P[u, v] = k·c_v·G[u, v],  G = Σ_{m,n} g[m, n]·e^{−iθ}
//
// the forward real DFT of the image gradient g (real part to Re P,
// imaginary part to Im P).
type spectrum struct {
	h, w, c   int // image
	wf        int // FFT width: w rounded up to even
	cols      int // wf/2 + 1
	scale     []float64
	rows      *fourier.CmplxFFT // length h
	line      *fourier.FFT      // length wf
	col, tcol []complex128      // h
	re        []float64         // wf
	half      []complex128      // cols
	mid       []complex128      // h·cols, one channel
}

// newSpectrum prepares the transforms for (h, w, c) images. The
// parameters are Size() values: per channel, h·cols complex numbers as
// (re, im) pairs.
func newSpectrum(h, w, c int) *spectrum {
	wf := w + w%2
	s := &spectrum{h: h, w: w, c: c, wf: wf, cols: wf/2 + 1,
		rows: fourier.NewCmplxFFT(h), line: fourier.NewFFT(wf)}
	s.col, s.tcol = make([]complex128, h), make([]complex128, h)
	s.re, s.half = make([]float64, wf), make([]complex128, s.cols)
	s.mid = make([]complex128, h*s.cols)
	s.scale = make([]float64, h*s.cols)
	lo := 1 / float64(max(h, wf))
	for u := range h {
		fy := freq(u, h)
		for v := range s.cols {
			fx := float64(v) / float64(wf)
			f := max(math.Hypot(fy, fx), lo)
			cv := 2.0
			if v == 0 || 2*v == wf {
				cv = 1
			}
			s.scale[u*s.cols+v] = math.Sqrt(float64(h*wf)) / f / 4 / float64(h*wf) * cv
		}
	}
	return s
}

// freq is numpy's fftfreq(n)[i]: i/n for i < ⌈n/2⌉, (i − n)/n after.
func freq(i, n int) float64 {
	if i < (n+1)/2 {
		return float64(i) / float64(n)
	}
	return float64(i-n) / float64(n)
}

// Size is the number of parameters for one image.
func (s *spectrum) Size() int { return s.c * s.h * s.cols * 2 }

// Image writes y (h, w, c) for the parameters p.
func (s *spectrum) Image(y []float32, p []float32) {
	h, cols := s.h, s.cols
	for ch := range s.c {
		pc := p[ch*h*cols*2 : (ch+1)*h*cols*2]
		// Along the rows (u → m) for every column v: complex inverse DFT.
		for v := range cols {
			for u := range h {
				k := s.scale[u*cols+v]
				s.col[u] = complex(k*float64(pc[2*(u*cols+v)]), k*float64(pc[2*(u*cols+v)+1]))
			}
			s.rows.Sequence(s.tcol, s.col)
			for m := range h {
				s.mid[m*cols+v] = s.tcol[m]
			}
		}
		// Along the columns (v → n): Re Σ_v Y[v]·e^{2πivn/W} with the
		// factor c_v folded into scale; FFT.Sequence doubles the middle
		// terms itself, so they are halved here.
		for m := range h {
			for v := range cols {
				z := s.mid[m*cols+v]
				if v != 0 && 2*v != s.wf {
					z /= 2
				}
				s.half[v] = z
			}
			s.line.Sequence(s.re, s.half)
			for n := range s.w {
				y[(m*s.w+n)*s.c+ch] = float32(s.re[n])
			}
		}
	}
}

// Adjoint writes dp = ∂J/∂p for the image gradient g = ∂J/∂y.
func (s *spectrum) Adjoint(dp []float32, g []float32) {
	h, cols := s.h, s.cols
	for ch := range s.c {
		for m := range h {
			for n := range s.wf {
				s.re[n] = 0
				if n < s.w {
					s.re[n] = float64(g[(m*s.w+n)*s.c+ch])
				}
			}
			s.line.Coefficients(s.half, s.re) // Σ_n g·e^{−2πivn/W}
			copy(s.mid[m*cols:(m+1)*cols], s.half)
		}
		dc := dp[ch*h*cols*2 : (ch+1)*h*cols*2]
		for v := range cols {
			for m := range h {
				s.col[m] = s.mid[m*cols+v]
			}
			s.rows.Coefficients(s.tcol, s.col) // Σ_m ·e^{−2πium/H}
			for u := range h {
				k := s.scale[u*cols+v]
				dc[2*(u*cols+v)] = float32(k * real(s.tcol[u]))
				dc[2*(u*cols+v)+1] = float32(k * imag(s.tcol[u]))
			}
		}
	}
}
