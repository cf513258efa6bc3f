package explain

import (
	"fmt"
	"math"
)

// Heat is a map ready to draw: one value in [0, 1] per network-input pixel
// (H×W, row-major), aligned pixel for pixel with the input.
type Heat struct {
	H, W   int
	Values []float32
	// Unscaled is the display map before normalisation (same layout), for
	// the value under the cursor.
	Unscaled []float32
	// Min and Max are the display map's range before normalisation.
	Min, Max float64
	// Flat is true when the map carries no information (all zero,
	// constant, or nothing finite); Values are then all 0 and Note says
	// so in words.
	Flat bool
	// NonFinite counts NaN or ±Inf values, drawn as 0.
	NonFinite int
	// Note explains a flat map or non-finite values ("" otherwise).
	Note string
}

// Heat turns the result into a display map at the input's size:
//   - Grad-CAM, Grad-CAM++: L placed on the input by the layer's Geometry
//     and interpolated bilinearly (Upsample);
//   - saliency, SmoothGrad, guided backprop, guided Grad-CAM: max_c |Raw|;
//   - Integrated Gradients: Σ_c |Raw|;
//
// then divided by its maximum, so 0 stays 0 (the blind strip of the
// tutorial's model stays visible) and the largest value is 1. Every map is
// non-negative by construction, so no minimum is subtracted.
func (r *Result) Heat() *Heat {
	h, w := r.InputShape[0], r.InputShape[1]
	var v []float32
	if len(r.RawShape) == 2 {
		v = Upsample(clean(r.Raw), r.RawShape[0], r.RawShape[1], r.Geom, h, w)
	} else {
		c := r.RawShape[2]
		v = make([]float32, h*w)
		for p := range v {
			var m float64
			for _, x := range r.Raw[p*c : (p+1)*c] {
				a := math.Abs(float64(x))
				if r.Method == IntegratedGradients {
					m += a
				} else if a > m || math.IsNaN(a) {
					m = a
				}
			}
			v[p] = float32(m)
		}
	}
	out := Normalize(v, h, w)
	if bad := countNonFinite(r.Raw); bad > 0 && out.NonFinite == 0 {
		out.NonFinite = bad
		if !out.Flat {
			out.Note = fmt.Sprintf("%d non-finite values in the raw map, drawn as 0", bad)
		}
	}
	return out
}

// clean returns v with NaN and ±Inf replaced by 0 (a copy when needed).
func clean(v []float32) []float32 {
	if finite(v) {
		return v
	}
	c := make([]float32, len(v))
	for i, x := range v {
		if !math.IsNaN(float64(x)) && !math.IsInf(float64(x), 0) {
			c[i] = x
		}
	}
	return c
}

func countNonFinite(v []float32) int {
	n := 0
	for _, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			n++
		}
	}
	return n
}

// flatRel is the relative spread below which a map counts as constant.
const flatRel = 1e-6

// Normalize divides a non-negative h×w display map by its maximum
// (non-finite values become 0 and are counted). A map whose finite values
// are all zero, or all equal (max − min ≤ 1e-6·max), is Flat: every value
// 0 and a Note in words, never NaN (0/0) or an all-hot map.
func Normalize(v []float32, h, w int) *Heat {
	out := &Heat{H: h, W: w, Values: make([]float32, len(v)), Unscaled: v}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range v {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			out.NonFinite++
			continue
		}
		lo, hi = min(lo, f), max(hi, f)
	}
	switch {
	case out.NonFinite == len(v):
		out.Flat = true
		out.Note = "flat map: no finite values (the gradients overflowed)"
		return out
	case hi <= 0 && lo >= 0:
		out.Min, out.Max, out.Flat = 0, 0, true
		out.Note = "flat map: every value is 0 (the score does not depend on this input or layer here)"
		return out
	case hi-lo <= flatRel*math.Abs(hi):
		out.Min, out.Max, out.Flat = lo, hi, true
		out.Note = fmt.Sprintf("flat map: every value is %.4g (nothing to localise)", hi)
		return out
	}
	out.Min, out.Max = lo, hi
	scale := 1 / max(hi, math.Abs(lo))
	for i, x := range v {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		out.Values[i] = float32(min(1, max(0, f*scale)))
	}
	if out.NonFinite > 0 {
		out.Note = fmt.Sprintf("%d non-finite values, drawn as 0", out.NonFinite)
	}
	return out
}

// Upsample places an h×w grid on an H×W input and interpolates it
// bilinearly: input pixel (u, v) reads the grid at
// ((u − Start₀)/Jump₀, (v − Start₁)/Jump₁) (Geometry), clamped to the grid,
// so each cell's value peaks at its receptive field's centre. Without a
// known geometry the grid is stretched over the image with half-pixel
// centres (Start = (H/h − 1)/2, Jump = H/h), as cv2.resize and
// torch.nn.functional.interpolate(align_corners=False) do.
func Upsample(grid []float32, h, w int, g Geometry, H, W int) []float32 {
	if !g.Known {
		sy, sx := float64(H)/float64(h), float64(W)/float64(w)
		g = Geometry{Start: [2]float64{(sy - 1) / 2, (sx - 1) / 2}, Jump: [2]float64{sy, sx}, Known: true}
	}
	ys := axis(H, h, g.Start[0], g.Jump[0])
	xs := axis(W, w, g.Start[1], g.Jump[1])
	out := make([]float32, H*W)
	for u, ay := range ys {
		r0, r1 := grid[ay.i0*w:(ay.i0+1)*w], grid[ay.i1*w:(ay.i1+1)*w]
		row := out[u*W : (u+1)*W]
		for v, ax := range xs {
			top := float64(r0[ax.i0]) + ax.f*float64(r0[ax.i1]-r0[ax.i0])
			bot := float64(r1[ax.i0]) + ax.f*float64(r1[ax.i1]-r1[ax.i0])
			row[v] = float32(top + ay.f*(bot-top))
		}
	}
	return out
}

// tap is one output coordinate's two grid neighbours and weight.
type tap struct {
	i0, i1 int
	f      float64
}

// axis computes the bilinear taps along one axis.
func axis(out, n int, start, jump float64) []tap {
	t := make([]tap, out)
	for u := range t {
		p := (float64(u) - start) / jump
		p = min(max(p, 0), float64(n-1))
		i0 := int(math.Floor(p))
		i1 := min(i0+1, n-1)
		t[u] = tap{i0, i1, p - float64(i0)}
	}
	return t
}

// At returns the map at input pixel (x, y): the normalised value in [0, 1]
// and the unscaled one (for saliency the gradient magnitude, for IG the
// attribution, for Grad-CAM the map's value between the layer's cells);
// ok is false outside the map.
func (h *Heat) At(x, y int) (norm float32, unscaled float64, ok bool) {
	if x < 0 || y < 0 || x >= h.W || y >= h.H {
		return 0, 0, false
	}
	i := y*h.W + x
	return h.Values[i], float64(h.Unscaled[i]), true
}
