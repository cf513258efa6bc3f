package atlas

import (
	"context"
	"math/rand"

	"github.com/convscope/convscope/nn"
)

// periodic tries, for the channels still below Target times their start
// after the extension (short), images with periods of Periods pixels in
// both directions: each starts from periodicRestarts random p×p patterns
// (the channel's own stream) tiled over the image, takes Extra/4 plain normalised steps
// with the gradient averaged over the pixels congruent mod p (foldPeriodic:
// the image stays periodic), then Vertex vertex steps (vertexStep); a
// result replaces the channel's when its objective is higher. Only for a
// layer whose prefix is one convolution (affinePrefix).
//
// Why: the first layers of the tutorial network hold texture detectors
// whose best inputs are fine periodic binary patterns (stripes and
// checks 2–8 px), which gradient ascent from noise does not find: on the
// default model, conv2d_1/4, /23 and /26 end at 4.30×, 4.92× and 4.56×
// their baseline after the extension, while a 4- or 8-pixel periodic
// image reaches 5.50×, 5.50× and 6.11× (docs/atlas.md). A periodic
// image is a legitimate input: with valid convolutions every cell of the
// map sees the same pattern up to its phase.
func (t *Target) periodic(ctx context.Context, rescale float32, res []Result, o Options, seed int64) error {
	if o.Param != ParamPixel || len(o.Periods) == 0 || o.Extra <= 0 || !affinePrefix(t.pre) {
		return nil
	}
	in := t.pre.InputShape()
	h, w, c := in[0], in[1], in[2]
	for pi, p := range o.Periods {
		if p <= 0 {
			continue
		}
		var idx, chans []int
		for i, r := range res {
			if r.Start > 0 && r.Value < o.Target*r.Start && !r.Flat || short(r, o.Target) {
				for range periodicRestarts { // copies of the channel, each from its own pattern
					idx, chans = append(idx, i), append(chans, r.Channel)
				}
			}
		}
		if len(chans) == 0 {
			return nil
		}
		po := o
		po.Steps, po.Polish = max(o.Extra/4, 1), -1
		po.Jitter, po.Scale, po.Rotate, po.BlurEvery = -1, -1, -1, -1
		po.period = p
		copies := map[int]int{} // optimise asks for the starts in order
		po.start = func(ch int) []float32 {
			copies[ch]++
			rng := rand.New(rand.NewSource(seed + 1_000_003*int64(ch+1) + 7907*int64(pi+1) + 104723*int64(copies[ch])))
			pat := make([]float32, p*p*c)
			for i := range pat {
				pat[i] = rng.Float32()
			}
			return tile(pat, p, h, w, c)
		}
		first, err := optimise(ctx, t.pre, rescale, chans, po, seed+15485863+int64(pi))
		if err != nil {
			return err
		}
		if o.Vertex > 0 {
			var reached [][]float32
			for _, r := range first {
				reached = append(reached, floatsOfImage(r.Image, c))
			}
			po.Steps, po.vertex = o.Vertex, true
			next := 0
			po.start = func(int) []float32 { next++; return reached[next-1] }
			second, err := optimise(ctx, t.pre, rescale, chans, po, seed+15485863+int64(pi))
			if err != nil {
				return err
			}
			for j := range first {
				if second[j].Value > first[j].Value {
					first[j] = second[j]
				}
			}
		}
		for j, i := range idx {
			if first[j].Value > res[i].Value {
				first[j].Start, first[j].startAct = res[i].Start, res[i].startAct
				res[i] = first[j]
			}
		}
	}
	return nil
}

// periodicRestarts is how many random patterns each period tries per
// channel (measured on conv2d_1/4 of the default model: about 3 in 5
// random starts of a 4- or 8-pixel pattern end at its best, 5.50×; on
// /26 fewer).
const periodicRestarts = 4

// affinePrefix tells whether pre is one convolution of the input (its
// output, the pre-activation, affine in the pixels): the objective is
// then convex in the image, the vertex steps never lower it, and the
// periodic trials are cheap. On deeper layers they were measured not to
// help (the default model's conv2d_2 channels nearest 5×: at most 4.70×
// from periodic images, below their best found; vertex steps there lower
// the objective) and would cost as much as the atlas itself.
func affinePrefix(pre *nn.Graph) bool {
	convs := 0
	for _, n := range pre.Nodes() {
		switch n.Kind {
		case "Conv2D":
			convs++
		case "InputLayer", "Rescaling", "Identity":
		default:
			return false
		}
	}
	return convs == 1
}

// tile repeats the p×p pattern pat (p, p, c) over an h×w image.
func tile(pat []float32, p, h, w, c int) []float32 {
	x := make([]float32, h*w*c)
	for y := range h {
		for xx := range w {
			copy(x[(y*w+xx)*c:(y*w+xx+1)*c], pat[((y%p)*p+xx%p)*c:])
		}
	}
	return x
}
