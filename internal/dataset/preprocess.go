package dataset

import (
	"image"
)

// Preprocess turns img into what a model sees: resized to opts' target size
// with opts' interpolation, converted to opts' colour mode (alpha dropped),
// each 8-bit value multiplied by opts' rescale, laid out HWC (row by row,
// channels last). It writes into dst, grown if needed, and returns it. The
// result is exactly what a Folder's iterator feeds for the same file.
//
// img should already be upright (LoadImage makes it so).
func Preprocess(dst []float32, img image.Image, opts Options) ([]float32, error) {
	dst, _, _, err := preprocess(dst, img, opts)
	return dst, err
}

// PreprocessImage resizes img once and returns both what Preprocess writes
// into dst (the network's input) and what PreprocessedImage returns (the
// same pixels before rescaling, for display).
func PreprocessImage(dst []float32, img image.Image, opts Options) ([]float32, *image.RGBA, error) {
	dst, u8, o, err := preprocess(dst, img, opts)
	if err != nil {
		return dst, nil, err
	}
	return dst, toRGBA(u8, o.Height, o.Width, o.ColorMode.Channels()), nil
}

// preprocess resizes img once to opts (defaults filled in, returned as o)
// and rescales the pixels into dst, grown if needed; u8 holds the pixels
// before rescaling.
func preprocess(dst []float32, img image.Image, opts Options) (_ []float32, u8 []uint8, o Options, err error) {
	o, err = opts.withDefaults()
	if err != nil {
		return dst, nil, o, err
	}
	var r resizer
	u8 = make([]uint8, o.sampleLen())
	if err := r.resizeImage(u8, img, o); err != nil {
		return dst, nil, o, err
	}
	dst = grow(dst, len(u8))
	lut := rescaleTable(o.Rescale)
	for i, v := range u8 {
		dst[i] = lut[v]
	}
	return dst, u8, o, nil
}

// PreprocessedImage returns the image a model sees, before rescaling, for
// display: opts' size, interpolation and colour mode (grayscale is shown as
// gray RGB), fully opaque.
func PreprocessedImage(img image.Image, opts Options) (*image.RGBA, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	var r resizer
	u8 := make([]uint8, o.sampleLen())
	if err := r.resizeImage(u8, img, o); err != nil {
		return nil, err
	}
	return toRGBA(u8, o.Height, o.Width, o.ColorMode.Channels()), nil
}

// toRGBA converts an 8-bit HWC sample with 1 or 3 channels to an opaque
// *image.RGBA.
func toRGBA(u8 []uint8, h, w, c int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range h * w {
		p := m.Pix[4*i : 4*i+4]
		if c == 1 {
			p[0], p[1], p[2] = u8[i], u8[i], u8[i]
		} else {
			p[0], p[1], p[2] = u8[3*i], u8[3*i+1], u8[3*i+2]
		}
		p[3] = 255
	}
	return m
}

// rescaleTable maps each 8-bit value v to float32(v)·rescale.
func rescaleTable(rescale float32) *[256]float32 {
	var t [256]float32
	for v := range t {
		t[v] = float32(v) * rescale
	}
	return &t
}

// resizeImage is resize for an upright image and options with defaults
// applied. A *Photo resized with nearest interpolation decodes only the
// blocks the samples fall in; otherwise it is decoded whole first (which
// can fail, for a photo whose data is corrupt).
func (r *resizer) resizeImage(dst []uint8, img image.Image, o Options) error {
	if p, ok := img.(*Photo); ok {
		if o.Interpolation == Nearest && p.resizeNearest(dst, o.Height, o.Width, o.ColorMode.Channels()) == nil {
			return nil
		}
		full, err := p.Image()
		if err != nil {
			return err
		}
		img = full
	}
	r.resize(dst, img, 1, o.Height, o.Width, o.ColorMode, o.Interpolation)
	return nil
}
