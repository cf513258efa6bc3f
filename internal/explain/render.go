package explain

import (
	"fmt"
	"image"
	"math"

	"github.com/convscope/convscope/internal/colormap"
)

// DefaultColormap is the heat maps' default: turbo, the jet-like rainbow
// that Grad-CAM tools show (viridis is the perceptually uniform choice).
const DefaultColormap = "turbo"

// DefaultOpacity is the overlay's default heat-map opacity.
const DefaultOpacity = 0.5

// BaseImage draws the network input x (h, w, c; c = 1 or 3) as an image of
// the same size: values in [0, 1] (the tutorial's 1/255 rescaling) are
// scaled by 255, any other range is stretched from its minimum to its
// maximum (mean/std-normalised inputs). dst is reused when it has the
// right size.
func BaseImage(dst *image.RGBA, x []float32, h, w, c int) (*image.RGBA, error) {
	if c != 1 && c != 3 || len(x) != h*w*c {
		return nil, fmt.Errorf("explain: expected an input of (%d, %d, 1 or 3) values, received %d values with %d channels", h, w, len(x), c)
	}
	if dst == nil || dst.Rect != image.Rect(0, 0, w, h) {
		dst = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range x {
		if f := float64(v); !math.IsNaN(f) && !math.IsInf(f, 0) {
			lo, hi = min(lo, f), max(hi, f)
		}
	}
	off, scale := 0.0, 255.0
	if !(lo >= 0 && hi <= 1) && hi > lo {
		off, scale = lo, 255/(hi-lo)
	}
	for p := 0; p < h*w; p++ {
		px := dst.Pix[p/w*dst.Stride+p%w*4:]
		for k := 0; k < 3; k++ {
			v := float64(x[p*c+min(k, c-1)])
			if math.IsNaN(v) {
				v = off
			}
			px[k] = uint8(math.Round(min(255, max(0, (v-off)*scale))))
		}
		px[3] = 255
	}
	return dst, nil
}

// Overlay blends the heat map over base (same size) with the given opacity:
// out = (1 − α)·base + α·cmap(v). A flat map is not drawn (out = base), so
// a map without information never paints the image one colour.
func Overlay(dst, base *image.RGBA, heat *Heat, cmap *colormap.Map, alpha float64) (*image.RGBA, error) {
	r := image.Rect(0, 0, heat.W, heat.H)
	if base.Rect != r {
		return nil, fmt.Errorf("explain: overlay: expected a %d×%d base image, received %d×%d", heat.W, heat.H, base.Rect.Dx(), base.Rect.Dy())
	}
	if dst == nil || dst.Rect != r {
		dst = image.NewRGBA(r)
	}
	alpha = min(1, max(0, alpha))
	if heat.Flat {
		alpha = 0
	}
	lut := cmap.LUT()
	a := uint32(math.Round(alpha * 256))
	for y := 0; y < heat.H; y++ {
		src, out := base.Pix[y*base.Stride:], dst.Pix[y*dst.Stride:]
		for x := 0; x < heat.W; x++ {
			c := &lut[colormap.ToIndex(float64(heat.Values[y*heat.W+x]))]
			for k := 0; k < 3; k++ {
				out[4*x+k] = uint8(((256-a)*uint32(src[4*x+k]) + a*uint32(c[k]) + 128) >> 8)
			}
			out[4*x+3] = 255
		}
	}
	return dst, nil
}

// HeatImage draws the heat map alone with cmap (a flat map in the map's
// lowest colour).
func HeatImage(dst *image.RGBA, heat *Heat, cmap *colormap.Map) *image.RGBA {
	r := image.Rect(0, 0, heat.W, heat.H)
	if dst == nil || dst.Rect != r {
		dst = image.NewRGBA(r)
	}
	lut := cmap.LUT()
	for y := 0; y < heat.H; y++ {
		out := dst.Pix[y*dst.Stride:]
		for x := 0; x < heat.W; x++ {
			c := lut[colormap.ToIndex(float64(heat.Values[y*heat.W+x]))]
			copy(out[4*x:4*x+4], c[:])
		}
	}
	return dst
}

// OverlayOriginal blends the heat map over the original image at its own
// size and aspect. The network saw the original stretched to H×W (Keras'
// target_size, no crop), so original pixel (x, y) of a Wo×Ho image reads
// the map at input coordinates ((x+½)·W/Wo − ½, (y+½)·H/Ho − ½),
// interpolated bilinearly (the inverse of that stretch with half-pixel
// centres). A flat map leaves the image as it is.
func OverlayOriginal(dst *image.RGBA, orig image.Image, heat *Heat, cmap *colormap.Map, alpha float64) *image.RGBA {
	b := orig.Bounds()
	wo, ho := b.Dx(), b.Dy()
	r := image.Rect(0, 0, wo, ho)
	if dst == nil || dst.Rect != r {
		dst = image.NewRGBA(r)
	}
	alpha = min(1, max(0, alpha))
	if heat.Flat {
		alpha = 0
	}
	a := uint32(math.Round(alpha * 256))
	sy, sx := float64(heat.H)/float64(ho), float64(heat.W)/float64(wo)
	ys := axis(ho, heat.H, (1/sy-1)/2, 1/sy)
	xs := axis(wo, heat.W, (1/sx-1)/2, 1/sx)
	lut := cmap.LUT()
	v := heat.Values
	for y, ay := range ys {
		out := dst.Pix[y*dst.Stride:]
		r0, r1 := v[ay.i0*heat.W:(ay.i0+1)*heat.W], v[ay.i1*heat.W:(ay.i1+1)*heat.W]
		for x, ax := range xs {
			top := float64(r0[ax.i0]) + ax.f*float64(r0[ax.i1]-r0[ax.i0])
			bot := float64(r1[ax.i0]) + ax.f*float64(r1[ax.i1]-r1[ax.i0])
			c := &lut[colormap.ToIndex(top+ay.f*(bot-top))]
			cr, cg, cb, _ := orig.At(b.Min.X+x, b.Min.Y+y).RGBA()
			src := [3]uint32{cr >> 8, cg >> 8, cb >> 8}
			for k := 0; k < 3; k++ {
				out[4*x+k] = uint8(((256-a)*src[k] + a*uint32(c[k]) + 128) >> 8)
			}
			out[4*x+3] = 255
		}
	}
	return dst
}
