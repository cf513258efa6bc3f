package atlas

import (
	"context"
	"image"
)

// extend continues, without the regularisers and with a falling step, the
// channels of res whose objective ends below Target times its start (the
// objective of the uniform-noise image the channel started from: issue
// #15's baseline is mostly noise), for Extra more steps from the image
// reached; the continuation replaces the result when its objective is
// higher. Pixel parameterisation only (the Fourier one starts from grey,
// not noise). Measured on the default model's channels nearest 5× (docs/atlas.md).
func (t *Target) extend(ctx context.Context, rescale float32, res []Result, o Options, seed int64) error {
	if o.Extra <= 0 || o.Param != ParamPixel {
		return nil
	}
	var idx, chans []int
	start := map[int][]float32{}
	for i, r := range res {
		if r.Start > 0 && r.Value < o.Target*r.Start && !r.Flat {
			idx, chans = append(idx, i), append(chans, r.Channel)
			start[r.Channel] = floatsOfImage(r.Image, t.pre.InputShape()[2])
		}
	}
	if len(chans) == 0 {
		return nil
	}
	eo := o
	eo.Steps, eo.Polish = o.Extra, -1
	eo.Jitter, eo.Scale, eo.Rotate, eo.BlurEvery = -1, -1, -1, -1
	eo.start = func(ch int) []float32 { return start[ch] }
	eo.decay = true
	again, err := optimise(ctx, t.pre, rescale, chans, eo, seed+104729)
	if err != nil {
		return err
	}
	for j, i := range idx {
		if again[j].Value > res[i].Value {
			again[j].Start = res[i].Start
			res[i] = again[j]
		}
	}
	return nil
}

// floatsOfImage is the (h, w, c) image in [0, 1] of an 8-bit RGBA one
// (toRGBA's inverse up to rounding).
func floatsOfImage(img *image.RGBA, c int) []float32 {
	out := make([]float32, 0, len(img.Pix)/4*c)
	for i := 0; i < len(img.Pix); i += 4 {
		for k := range c {
			out = append(out, float32(img.Pix[i+k])/255)
		}
	}
	return out
}
