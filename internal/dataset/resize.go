package dataset

import (
	"image"
	"math"
)

// resizer turns a decoded image into a preprocessed 8-bit sample: upright,
// in the target colour mode, at the target size, HWC. It owns every scratch
// buffer it needs and reuses them, so after warming up it does not allocate.
// One resizer per goroutine.
type resizer struct {
	u   upright
	xs  []int32 // source columns to read (nearest) or 0..w-1 (bilinear)
	row []uint8 // one source row, RGB
	mid []uint8 // bilinear: horizontally resized rows, HWC
	acc []int32 // bilinear: one output row's sums
	kx  coeffs
	ky  coeffs
}

// coeffs are PIL's fixed-point resampling weights along one axis: output
// index i reads inputs first[i] … first[i]+n[i]-1 with weights
// k[i·size : i·size+n[i]].
type coeffs struct {
	first, n []int32
	k        []int32
	size     int
	w        []float64 // scratch
}

// precisionBits is PIL's fixed-point precision for 8-bit resampling
// (Resample.c: 32 - 8 - 2).
const precisionBits = 22

// resize writes img (orientation o) to dst, len h·w·c, as 8-bit values.
func (r *resizer) resize(dst []uint8, img image.Image, o orientation, h, w int, mode ColorMode, interp Interpolation) {
	r.u.reset(img, o)
	if interp == Bilinear {
		r.bilinear(dst, h, w, mode.Channels())
		return
	}
	r.nearest(dst, h, w, mode.Channels())
}

// nearest is PIL's NEAREST resize: output (x, y) reads source
// (⌊(x+½)·sw/dw⌋, ⌊(y+½)·sh/dh⌋), with the positions accumulated in float64
// exactly as PIL's ImagingScaleAffine does, so that the rare positions that
// land on a pixel boundary round the same way.
func (r *resizer) nearest(dst []uint8, h, w, c int) {
	sw, sh := r.u.w, r.u.h
	r.xs = nearestIndex(r.xs, sw, w)
	r.row = grow(r.row, 3*w)
	step := float64(sh) / float64(h)
	pos := step * 0.5
	for y := range h {
		sy := min(int(pos), sh-1)
		pos += step
		out := dst[y*w*c : (y+1)*w*c]
		if c == 3 {
			r.u.row(out, sy, r.xs)
			continue
		}
		r.u.row(r.row, sy, r.xs)
		for x := range w {
			out[x] = luma(r.row[3*x], r.row[3*x+1], r.row[3*x+2])
		}
	}
}

// nearestIndex fills xs with the n source positions PIL's NEAREST resize
// reads from a line of in pixels.
func nearestIndex(xs []int32, in, n int) []int32 {
	xs = grow(xs, n)
	step := float64(in) / float64(n)
	pos := step * 0.5
	for i := range xs {
		xs[i] = int32(min(int(pos), in-1))
		pos += step
	}
	return xs
}

// bilinear is PIL's BILINEAR resize (Resample.c): a horizontal pass over the
// source rows that the vertical pass needs, each rounded to 8 bits, then a
// vertical pass. Grayscale converts each source row to L first, as Keras
// converts the whole image before resizing.
func (r *resizer) bilinear(dst []uint8, h, w, c int) {
	sw, sh := r.u.w, r.u.h
	r.kx.compute(sw, w)
	r.ky.compute(sh, h)
	// Output row 0's window always starts at source row 0 (its centre is
	// half a step in, its support at least one step), so the horizontal pass
	// runs over source rows 0 … y1−1.
	y1 := int(r.ky.first[h-1] + r.ky.n[h-1])
	r.xs = grow(r.xs, sw)
	for x := range sw {
		r.xs[x] = int32(x)
	}
	r.row = grow(r.row, 3*sw)
	r.mid = grow(r.mid, y1*w*c)
	for sy := range y1 {
		src := r.row[:3*sw]
		r.u.row(src, sy, r.xs)
		if c == 1 {
			for x := range sw {
				src[x] = luma(src[3*x], src[3*x+1], src[3*x+2])
			}
		}
		resample(r.mid[sy*w*c:(sy+1)*w*c], src, c, &r.kx)
	}
	// Vertical: each output row is a weighted sum of rows of mid, summed
	// row after row into acc.
	stride := w * c
	r.acc = grow(r.acc, stride)
	for y := range h {
		first := int(r.ky.first[y])
		k := r.ky.k[y*r.ky.size : y*r.ky.size+int(r.ky.n[y])]
		acc := r.acc
		for i := range acc {
			acc[i] = 1 << (precisionBits - 1)
		}
		for j, kk := range k {
			row := r.mid[(first+j)*stride : (first+j+1)*stride]
			for i, v := range row {
				acc[i] += int32(v) * kk
			}
		}
		out := dst[y*stride : (y+1)*stride]
		for i, a := range acc {
			out[i] = clip8(a)
		}
	}
}

// resample applies k along a row of n = len(dst)/c pixels of c channels:
// dst[x·c+ch] = Σ_j k[x][j]·src[(first[x]+j)·c+ch].
func resample(dst, src []uint8, c int, k *coeffs) {
	n := len(dst) / c
	const half = 1 << (precisionBits - 1)
	for x := range n {
		first := int(k.first[x])
		kk := k.k[x*k.size : x*k.size+int(k.n[x])]
		if c == 3 {
			s := src[3*first : 3*(first+len(kk))]
			r, g, b := int32(half), int32(half), int32(half)
			for j, w := range kk {
				p := s[3*j : 3*j+3 : 3*j+3]
				r += int32(p[0]) * w
				g += int32(p[1]) * w
				b += int32(p[2]) * w
			}
			d := dst[3*x : 3*x+3 : 3*x+3]
			d[0], d[1], d[2] = clip8(r), clip8(g), clip8(b)
			continue
		}
		s := src[first : first+len(kk)]
		acc := int32(half)
		for j, w := range kk {
			acc += int32(s[j]) * w
		}
		dst[x] = clip8(acc)
	}
}

// clip8 converts a fixed-point sum to 8 bits, saturating.
func clip8(v int32) uint8 {
	v >>= precisionBits
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

// compute fills k with PIL's bilinear weights for resizing in → out
// (Resample.c precompute_coeffs and normalize_coeffs_8bpc).
func (k *coeffs) compute(in, out int) {
	scale := float64(in) / float64(out)
	filterscale := max(scale, 1)
	support := 1 * filterscale // the triangle filter's support is 1
	k.size = int(math.Ceil(support))*2 + 1
	k.first = grow(k.first, out)
	k.n = grow(k.n, out)
	k.k = grow(k.k, out*k.size)
	k.w = grow(k.w, k.size)
	ww := k.w
	for xx := range out {
		center := (float64(xx) + 0.5) * scale
		ss := 1 / filterscale
		xmin := max(int(center-support+0.5), 0)
		xmax := min(int(center+support+0.5), in) - xmin
		sum := 0.0
		for x := range xmax {
			v := math.Abs((float64(x+xmin) - center + 0.5) * ss)
			v = max(1-v, 0)
			ww[x] = v
			sum += v
		}
		row := k.k[xx*k.size : (xx+1)*k.size]
		for x := range row {
			row[x] = 0
			if x < xmax {
				v := ww[x]
				if sum != 0 {
					v /= sum
				}
				row[x] = int32(v*(1<<precisionBits) + 0.5)
			}
		}
		k.first[xx], k.n[xx] = int32(xmin), int32(xmax)
	}
}

// grow returns s resliced to length n, reallocating only if it is too short.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
