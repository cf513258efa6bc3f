package transfer

import (
	"fmt"
	"math"
	"math/rand"
)

// Augment holds Keras' ImageDataGenerator options for random
// augmentation, with Keras' names and meanings (keras.io,
// tf.keras.preprocessing.image.ImageDataGenerator, and its
// random_transform/apply_affine_transform):
//
//   - RotationRange: degrees, θ drawn uniformly from [-r, r];
//   - WidthShiftRange, HeightShiftRange: below 1 a fraction of the width
//     (height), else pixels; the shift is drawn uniformly from [-r, r];
//   - ShearRange: shear angle in degrees, drawn from [-r, r];
//   - ZoomRange: zoom factors zx, zy drawn independently from [1-r, 1+r]
//     (below 1 zooms in);
//   - HorizontalFlip: flips half of the images left-right;
//   - FillMode: "nearest" (the only mode, Keras' default): points outside
//     the image take the nearest edge pixel.
//
// Pixels are resampled bilinearly (Keras' interpolation_order=1).
type Augment struct {
	RotationRange                     float64
	WidthShiftRange, HeightShiftRange float64
	ShearRange                        float64
	ZoomRange                         float64
	HorizontalFlip                    bool
	FillMode                          string
}

// TutorialAugment is the Keras book's augmentation for cats and dogs
// (Chollet, Deep Learning with Python, listing 5.11): rotation_range=40,
// width_shift_range=0.2, height_shift_range=0.2, shear_range=0.2,
// zoom_range=0.2, horizontal_flip=True, fill_mode="nearest".
func TutorialAugment() Augment {
	return Augment{RotationRange: 40, WidthShiftRange: 0.2, HeightShiftRange: 0.2, ShearRange: 0.2, ZoomRange: 0.2, HorizontalFlip: true, FillMode: "nearest"}
}

// Check returns an error for negative ranges or a fill mode other than
// "nearest".
func (a Augment) Check() error {
	if a.FillMode != "" && a.FillMode != "nearest" {
		return fmt.Errorf("transfer: augment: fill_mode: expected \"nearest\", received %q", a.FillMode)
	}
	for _, v := range []float64{a.RotationRange, a.WidthShiftRange, a.HeightShiftRange, a.ShearRange, a.ZoomRange} {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("transfer: augment: expected ranges ≥ 0, received %g", v)
		}
	}
	if a.ZoomRange >= 1 {
		return fmt.Errorf("transfer: augment: zoom_range: expected less than 1, received %g", a.ZoomRange)
	}
	return nil
}

// Transform is one drawn augmentation. Coordinates are x to the right and
// y down, relative to the image centre ((w-1)/2, (h-1)/2). Output pixel p
// samples the input at
//
//	src = centre + R(θ) · (S(shear) · Z · p − (Tx, Ty))
//
// with R(θ) = [[cos θ, −sin θ], [sin θ, cos θ]] (θ > 0 turns the content
// counter-clockwise on screen), S = [[cos s, 0], [−sin s, 1]] (Keras'
// shear matrix in (x, y) order) and Z = diag(Zx, Zy): with θ = 0 the
// content moves Tx pixels right and Ty down. Flip then mirrors the result
// left-right, as Keras flips after the affine transform.
type Transform struct {
	Theta, Shear float64 // degrees
	Tx, Ty       float64 // pixels
	Zx, Zy       float64 // 0 means 1
	Flip         bool
}

// Random draws a Transform for an h×w image, in Keras' order of draws.
func (a Augment) Random(rng *rand.Rand, h, w int) Transform {
	u := func(r float64) float64 {
		if r == 0 {
			return 0
		}
		return (rng.Float64()*2 - 1) * r
	}
	t := Transform{Zx: 1, Zy: 1}
	t.Theta = u(a.RotationRange)
	t.Ty = u(a.HeightShiftRange)
	if a.HeightShiftRange < 1 {
		t.Ty *= float64(h)
	}
	t.Tx = u(a.WidthShiftRange)
	if a.WidthShiftRange < 1 {
		t.Tx *= float64(w)
	}
	t.Shear = u(a.ShearRange)
	if a.ZoomRange > 0 {
		t.Zx, t.Zy = 1+u(a.ZoomRange), 1+u(a.ZoomRange)
	}
	t.Flip = a.HorizontalFlip && rng.Float64() < 0.5
	return t
}

// Apply writes the transformed image src (h×w×c, channels last) into dst
// (same size, not src).
func (t Transform) Apply(dst, src []float32, h, w, c int) {
	zx, zy := t.Zx, t.Zy
	if zx == 0 {
		zx = 1
	}
	if zy == 0 {
		zy = 1
	}
	th, sh := t.Theta*math.Pi/180, t.Shear*math.Pi/180
	cos, sin := math.Cos(th), math.Sin(th)
	// p ↦ S·Z·p − T, then R, as one affine map: src = A·p + b.
	// S·Z = [[cos s·zx, 0], [−sin s·zx, zy]].
	m00, m01 := math.Cos(sh)*zx, 0.0
	m10, m11 := -math.Sin(sh)*zx, zy
	a00, a01 := cos*m00-sin*m10, cos*m01-sin*m11
	a10, a11 := sin*m00+cos*m10, sin*m01+cos*m11
	bx := -(cos*t.Tx - sin*t.Ty)
	by := -(sin*t.Tx + cos*t.Ty)
	cx, cy := float64(w-1)/2, float64(h-1)/2
	for r := 0; r < h; r++ {
		v := float64(r) - cy
		for col := 0; col < w; col++ {
			u := float64(col) - cx
			sx := a00*u + a01*v + bx + cx
			sy := a10*u + a11*v + by + cy
			oc := col
			if t.Flip {
				oc = w - 1 - col
			}
			bilinear(dst[(r*w+oc)*c:(r*w+oc+1)*c], src, h, w, c, sx, sy)
		}
	}
}

// bilinear samples src at (x, y) into out (c values), clamping the
// coordinates to the image (fill_mode "nearest").
func bilinear(out, src []float32, h, w, c int, x, y float64) {
	x = math.Min(math.Max(x, 0), float64(w-1))
	y = math.Min(math.Max(y, 0), float64(h-1))
	// Snap values within rounding error of a pixel centre, so that exact
	// cases (shifts by whole pixels, quarter turns) copy pixels exactly.
	if r := math.Round(x); math.Abs(x-r) < 1e-9 {
		x = r
	}
	if r := math.Round(y); math.Abs(y-r) < 1e-9 {
		y = r
	}
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, w-1), min(y0+1, h-1)
	fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
	p00, p01 := src[(y0*w+x0)*c:], src[(y0*w+x1)*c:]
	p10, p11 := src[(y1*w+x0)*c:], src[(y1*w+x1)*c:]
	for k := range out {
		top := p00[k] + (p01[k]-p00[k])*fx
		bot := p10[k] + (p11[k]-p10[k])*fx
		out[k] = top + (bot-top)*fy
	}
}
