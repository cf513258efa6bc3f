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
// Then the channels still short get Vertex vertex steps (vertexStep)
// from the image reached, kept the same way.
func (t *Target) extend(ctx context.Context, rescale float32, res []Result, o Options, seed int64) error {
	if o.Extra <= 0 || o.Param != ParamPixel {
		return nil
	}
	eo := o
	eo.Steps, eo.Polish = o.Extra, -1
	eo.Jitter, eo.Scale, eo.Rotate, eo.BlurEvery = -1, -1, -1, -1
	eo.decay = true
	if err := t.continueShort(ctx, rescale, res, o.Target, eo, seed+104729); err != nil || o.Vertex <= 0 {
		return err
	}
	eo.Steps, eo.decay, eo.vertex = o.Vertex, false, true
	return t.continueShort(ctx, rescale, res, o.Target, eo, seed+130363)
}

// continueShort optimises with eo, from the image reached, the channels of
// res whose objective is below target times its start, and keeps each
// continuation whose objective is higher.
func (t *Target) continueShort(ctx context.Context, rescale float32, res []Result, target float64, eo Options, seed int64) error {
	var idx, chans []int
	start := map[int][]float32{}
	for i, r := range res {
		if r.Start > 0 && r.Value < target*r.Start && !r.Flat || short(r, target) {
			idx, chans = append(idx, i), append(chans, r.Channel)
			start[r.Channel] = floatsOfImage(r.Image, t.pre.InputShape()[2])
		}
	}
	if len(chans) == 0 {
		return nil
	}
	eo.start = func(ch int) []float32 { return start[ch] }
	again, err := optimise(ctx, t.pre, rescale, chans, eo, seed)
	if err != nil {
		return err
	}
	for j, i := range idx {
		if again[j].Value > res[i].Value {
			again[j].Start, again[j].startAct = res[i].Start, res[i].startAct
			res[i] = again[j]
		}
	}
	return nil
}

// short tells whether r's mean activation is below target times that of
// its start (uniform noise, like most of issue #15's baseline). The
// objective J counts the negative cells at slope α, so a channel whose
// noise image has many negative cells starts with a J far below its mean
// activation and can reach target·J while its mean activation stays
// below target times the noise's (conv2d_1/23 of the default model:
// 4.92× its baseline).
func short(r Result, target float64) bool {
	return !r.Flat && r.startAct > 0 && r.act < target*r.startAct
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
