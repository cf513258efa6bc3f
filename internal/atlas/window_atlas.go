package atlas

import (
	"context"
	"math/rand"
)

// windowImages tries, for the channels of res still below Target times
// their start after the extension (as periodic), periodic images on a
// layer deeper than the first convolution whose prefix is a chain of
// valid convolutions and poolings (chainGeometry): for each shape
// (ny, nx) of Options.Windows, a pattern of ny·S × nx·S px (S the
// distance between the layer's cells) repeated over the image gives
// every cell one of ny·nx phases, so the map's mean activation is the
// mean over one window of R + ny·S − S by R + nx·S − S px holding one
// cell of each phase (exactly when ny and nx divide the map's sides; up
// to the rows and columns of a partial period otherwise:
// TestWindowMeanEqualsFull). windowRestarts random patterns per shape
// (the channel's own stream) get windowSteps steps of windowAscent on
// that window, a forward and backward pass (R + p − S)²/150² the cost of
// a full image's; the best pattern, rounded to 8 bits and tiled over the
// image, replaces the channel's result when its mean activation on the
// full image is higher; a channel so improved but still short then gets
// Extra steps of the extension's plain ascent on the full image from it
// (kept when higher). Shapes whose window is wider than a quarter of
// the image are skipped (their trials would cost about as much as the
// atlas itself: conv2d_4 of the default model, R = 38 px).
//
// Why: on the default model the ascent from noise leaves channels of
// conv2d_2 and conv2d_3 whose best inputs are fine periodic textures just
// below 5× their baseline; hundreds of cheap restarts on the window find
// them (docs/atlas.md: conv2d_2/8, /20, /53, /60 and conv2d_3/0, /4, /14
// reach 5×; conv2d_2/60 4.93× → 5.58×).
func (t *Target) windowImages(ctx context.Context, rescale float32, res []Result, o Options, seed int64) error {
	if o.Param != ParamPixel || len(o.Windows) == 0 || o.Extra <= 0 || affinePrefix(t.pre) {
		return nil
	}
	g, ok := chainGeometry(t.pre)
	if !ok {
		return nil
	}
	in := t.pre.InputShape()
	h, w, c := in[0], in[1], in[2]
	var idx []int
	for i, r := range res {
		if r.Start > 0 && r.Value < o.Target*r.Start && !r.Flat || short(r, o.Target) {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil
	}
	a, off := inputAffine(c, rescale, o)
	type best struct {
		pat    []float32
		py, px int
		val    float64
	}
	found := make([]best, len(idx))
	for wi, sh := range o.Windows {
		py, px := sh[0]*g.S, sh[1]*g.S
		if py <= 0 || px <= 0 || 4*g.windowSize(py) > h || 4*g.windowSize(px) > w {
			continue
		}
		win, err := windowPrefix(t.pre, g.windowSize(py), g.windowSize(px))
		if err != nil {
			return err
		}
		for j, i := range idx {
			if err := ctx.Err(); err != nil {
				return err
			}
			ch := res[i].Channel
			rng := rand.New(rand.NewSource(seed + 1_000_003*int64(ch+1) + 7919*int64(wi+1) + 27644437))
			pats := make([][]float32, windowRestarts)
			chans := make([]int, windowRestarts)
			for s := range pats {
				pats[s] = make([]float32, py*px*c)
				for q := range pats[s] {
					pats[s][q] = rng.Float32()
				}
				chans[s] = ch
			}
			vals := windowAscent(win, g, py, px, chans, pats, windowSteps, windowLR, float32(o.Slope), a, off)
			for s, v := range vals {
				if v > found[j].val {
					found[j] = best{pats[s], py, px, v}
				}
			}
		}
	}
	var chans []int
	var imgs [][]float32
	var at []int
	for j, i := range idx {
		if found[j].pat != nil {
			chans, at = append(chans, res[i].Channel), append(at, i)
			imgs = append(imgs, tileRect(found[j].pat, found[j].py, found[j].px, h, w, c))
		}
	}
	if len(chans) == 0 {
		return nil
	}
	eo := o
	eo.Steps, eo.Polish = 0, -1
	eo.Jitter, eo.Scale, eo.Rotate, eo.BlurEvery = -1, -1, -1, -1
	next := 0
	eo.start = func(int) []float32 { next++; return imgs[next-1] }
	full, err := optimise(ctx, t.pre, rescale, chans, eo, seed)
	if err != nil {
		return err
	}
	var again []int // replaced and still short: polished on the full image
	for j, i := range at {
		if full[j].act > res[i].act {
			full[j].Start, full[j].startAct, full[j].Flat = res[i].Start, res[i].startAct, res[i].Flat
			res[i] = full[j]
			if short(res[i], o.Target) {
				again = append(again, j)
			}
		}
	}
	if len(again) == 0 {
		return nil
	}
	// Extra steps of the extension's plain ascent on the full image from
	// the tiled pattern, for the channels it helped but left short (the
	// picture is then periodic up to these steps; measured on conv2d_2/20,
	// /31, /47, /53: +2–3 %).
	var pchans []int
	var pimgs [][]float32
	for _, j := range again {
		pchans, pimgs = append(pchans, chans[j]), append(pimgs, imgs[j])
	}
	eo.Steps, eo.decay = o.Extra, true
	next, imgs = 0, pimgs
	more, err := optimise(ctx, t.pre, rescale, pchans, eo, seed+31337)
	if err != nil {
		return err
	}
	for q, j := range again {
		if i := at[j]; more[q].act > res[i].act {
			more[q].Start, more[q].startAct, more[q].Flat = res[i].Start, res[i].startAct, res[i].Flat
			res[i] = more[q]
		}
	}
	return nil
}

// The window search's budget per channel and shape (measured on the
// default model's conv2d_2 and conv2d_3 channels nearest 5×, docs/atlas.md).
// 32 restarts: the seven channels the window brings over 5× stay over it
// (conv2d_2/8, /20, /53, /60 the same to 0.01×; conv2d_3/0, /4, /14
// 5.20×, 5.10×, 5.17× against 5.25×, 5.18×, 5.20× with 64) at about 60 %
// of 64's cost; with 16 conv2d_2/53 and conv2d_3/4 fall to 5.10× and 5.05×.
const (
	windowRestarts = 32
	windowSteps    = 150
	windowLR       = 0.5
)

// inputAffine returns the network input's a·x + off per colour for an
// image x in [0, 1]: 8-bit pixels 255·x rescaled, then standardised as
// the model's metadata says (optimise's).
func inputAffine(c int, rescale float32, o Options) (a, off []float32) {
	a, off = make([]float32, c), make([]float32, c)
	for ch := range c {
		a[ch] = 255 * rescale
		if ch < len(o.Mean) && ch < len(o.Std) && o.Std[ch] != 0 {
			a[ch] /= float32(o.Std[ch])
			off[ch] = -float32(o.Mean[ch] / o.Std[ch])
		}
	}
	return a, off
}
