// Package atlas draws what each channel of a layer responds to by
// activation maximisation: gradient ascent on the input image to maximise
// the channel's mean activation (Erhan et al. 2009; Simonyan et al. 2014;
// Keras' "Visualizing what convnets learn", F. Chollet 2020).
//
// The objective for channel k of layer L is Keras' example's: the mean of
// the channel's map with a border of Border cells left out (border cells
// see the image's edge and padding),
//
//	J(x) = mean_{b ≤ i < H−b, b ≤ j < W−b} z_L[i, j, k](T(x))
//
// taken before the layer's activation (z, not relu(z)): a channel that is
// negative everywhere — dead for this image — still has a gradient and
// still gets a picture; channels whose J does not move are marked Flat.
//
// Regularisers that make the result readable (Olah, Mordvintsev &
// Schubert, "Feature visualization", Distill 2017, and its library
// Lucid's defaults; Yosinski et al. 2015 for the blur):
//   - parameterisation x = σ(M·p): the optimised variable p lives in a
//     decorrelated colour space (M is the square root of ImageNet's colour
//     correlation matrix, Lucid's color_correlation_svd_sqrt, scaled so its
//     largest column norm is 1), and the sigmoid keeps pixels in (0, 1);
//   - transformation robustness: every step sees the image under a fresh
//     random jitter (±Jitter px), scale (1 ± Scale) and rotation
//     (±Rotate°) — T above, with its exact adjoint for the gradient;
//   - periodic blur: every BlurEvery steps p is smoothed by a Gaussian of
//     σ = BlurSigma pixels, which removes the high-frequency patterns
//     gradient ascent otherwise produces.
//
// The step is Keras' normalised gradient ascent, p += LR·g/rms(g) (Keras
// divides by the L2 norm; the RMS makes LR a per-pixel step). The
// decorrelated Fourier parameterisation of Lucid is not used: blur plus
// colour decorrelation give comparable pictures at 40 steps for the
// tutorial's small network.
//
// Channels are optimised in batches (one image per channel), so a layer of
// 128 channels costs 128/Batch batched forward and backward passes per
// step, through the layers up to L only.
package atlas

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand"

	"github.com/convscope/convscope/nn"
)

// Options are the optimisation's settings. Zero values mean the defaults
// (DefaultOptions).
type Options struct {
	Steps     int     // gradient steps (40)
	LR        float64 // step size in p per pixel (0.5)
	Border    int     // map cells left out at each edge of the objective (2, Keras' example)
	Jitter    int     // random translation in pixels, ± (6)
	Scale     float64 // random scale 1 ± Scale (0.05)
	Rotate    float64 // random rotation in degrees, ± (5)
	BlurEvery int     // blur p every this many steps (4); negative: never
	BlurSigma float64 // the blur's σ in pixels (0.5)
	Batch     int     // channels optimised together (16)
	Seed      int64
}

// DefaultOptions are the settings used when a field is zero.
var DefaultOptions = Options{Steps: 40, LR: 0.5, Border: 2, Jitter: 6, Scale: 0.05, Rotate: 5, BlurEvery: 4, BlurSigma: 0.5, Batch: 16}

func (o Options) withDefaults() Options {
	d := DefaultOptions
	if o.Steps <= 0 {
		o.Steps = d.Steps
	}
	if o.LR <= 0 {
		o.LR = d.LR
	}
	if o.Border == 0 {
		o.Border = d.Border
	}
	if o.Jitter == 0 {
		o.Jitter = d.Jitter
	}
	if o.Scale == 0 {
		o.Scale = d.Scale
	}
	if o.Rotate == 0 {
		o.Rotate = d.Rotate
	}
	if o.BlurEvery == 0 {
		o.BlurEvery = d.BlurEvery
	}
	if o.BlurSigma <= 0 {
		o.BlurSigma = d.BlurSigma
	}
	if o.Batch <= 0 {
		o.Batch = d.Batch
	}
	return o
}

// Result is one channel's picture.
type Result struct {
	Channel int
	// Image is the optimised image, the network input's size, 8-bit.
	Image *image.RGBA
	// Start and Value are the objective J (mean pre-activation, border
	// left out) at the first and the last step.
	Start, Value float64
	// Flat marks a channel whose objective did not move: no input changes
	// it (no gradient reaches it).
	Flat bool
}

// colorSqrt is the square root of ImageNet's RGB colour correlation
// (Lucid's color_correlation_svd_sqrt, lucid/optvis/param/color.py).
var colorSqrt = [3][3]float32{{0.26, 0.09, 0.02}, {0.27, 0.00, -0.05}, {0.27, -0.09, 0.03}}

// colorMatrix returns colorSqrt scaled so its largest column norm is 1.
func colorMatrix() [3][3]float32 {
	var maxNorm float64
	for j := range 3 {
		var s float64
		for i := range 3 {
			s += float64(colorSqrt[i][j] * colorSqrt[i][j])
		}
		maxNorm = max(maxNorm, math.Sqrt(s))
	}
	var m [3][3]float32
	for i := range 3 {
		for j := range 3 {
			m[i][j] = colorSqrt[i][j] / float32(maxNorm)
		}
	}
	return m
}

// Prefix returns a copy of net up to and including layer (its weights
// copied), with that layer's activation removed when it has one, so that
// its output is the pre-activation z the objective reads.
func Prefix(net *nn.Sequential, layer string) (*nn.Sequential, int, error) {
	a := net.Arch()
	idx := -1
	for i, l := range net.Layers() {
		if l.Name() == layer {
			idx = i
		}
	}
	if idx < 0 {
		return nil, 0, fmt.Errorf("atlas: expected a layer of the model, received %q", layer)
	}
	shape := net.LayerOutputShape(idx)
	if len(shape) != 3 {
		return nil, 0, fmt.Errorf("atlas: %s: expected a layer with channel maps, received output shape %v", layer, shape)
	}
	a.Layers = a.Layers[:idx+1]
	last := &a.Layers[idx]
	if last.Activation != "" {
		last.Activation = "linear"
	}
	for i := range a.Layers {
		a.Layers[i].Name = net.Layers()[i].Name()
	}
	pre, err := a.Build()
	if err != nil {
		return nil, 0, err
	}
	pre.SetEngine(net.Engine())
	src := net.Weights()
	for i, p := range pre.Weights() {
		copy(p.Value, src[i].Value)
	}
	pre.WeightsChanged() // written directly (nn.Engine.PackWeights)
	return pre, shape[2], nil
}

// Visualize optimises one image per channel of layer (all of them when
// channels is empty). rescale maps 8-bit pixels to the network's input
// (1/255 for the tutorial's models). progress, if non-nil, is called after
// every batch with the channels done. It stops with ctx's error.
func Visualize(ctx context.Context, net *nn.Sequential, rescale float32, layer string, channels []int, o Options, progress func(done, total int)) ([]Result, error) {
	o = o.withDefaults()
	pre, nch, err := Prefix(net, layer)
	if err != nil {
		return nil, err
	}
	if len(channels) == 0 {
		for k := range nch {
			channels = append(channels, k)
		}
	}
	for _, k := range channels {
		if k < 0 || k >= nch {
			return nil, fmt.Errorf("atlas: %s: expected channels 0–%d, received %d", layer, nch-1, k)
		}
	}
	if rescale == 0 {
		rescale = 1.0 / 255
	}
	var out []Result
	for start := 0; start < len(channels); start += o.Batch {
		batch := channels[start:min(start+o.Batch, len(channels))]
		res, err := optimise(ctx, pre, rescale, batch, o, o.Seed+int64(start))
		if err != nil {
			return nil, err
		}
		out = append(out, res...)
		if progress != nil {
			progress(len(out), len(channels))
		}
	}
	return out, nil
}

// optimise runs the gradient ascent for one batch of channels.
func optimise(ctx context.Context, pre *nn.Sequential, rescale float32, chans []int, o Options, seed int64) ([]Result, error) {
	in := pre.InputShape()
	h, w, c := in[0], in[1], in[2]
	n, size := len(chans), h*w*c
	osh := pre.OutputShape()
	oh, ow, oc := osh[0], osh[1], osh[2]
	b := min(o.Border, (oh-1)/2, (ow-1)/2)
	area := float32((oh - 2*b) * (ow - 2*b))
	rng := rand.New(rand.NewSource(seed))
	M := colorMatrix()
	decorrelate := c == 3

	p := make([]float32, n*size)
	for i := range p {
		p[i] = float32(rng.NormFloat64() * 0.01)
	}
	x := make([]float32, n*size) // σ(M p), in (0, 1)
	dx := make([]float32, size)
	tmp := make([]float32, size)
	xt := nn.NewTensor(n, h, w, c)
	dy := nn.NewTensor(n, oh, ow, oc)
	for s, k := range chans {
		for i := b; i < oh-b; i++ {
			for j := b; j < ow-b; j++ {
				dy.Data[((s*oh+i)*ow+j)*oc+k] = 1 / area
			}
		}
	}
	res := make([]Result, n)
	maxGrad := make([]float64, n)
	tf := make([]affine, n)
	scale := 255 * rescale
	for step := 0; step <= o.Steps; step++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		toImage(x, p, M, decorrelate, c)
		for s := range n {
			tf[s] = randomAffine(rng, o)
			if step == o.Steps {
				tf[s] = affine{a: 1, d: 1} // the last evaluation sees the image itself
			}
			tf[s].apply(xt.Data[s*size:(s+1)*size], x[s*size:(s+1)*size], h, w, c)
		}
		for i := range xt.Data {
			xt.Data[i] *= scale
		}
		z := pre.Forward(xt, false)
		for s, k := range chans {
			var sum float64
			for i := b; i < oh-b; i++ {
				for j := b; j < ow-b; j++ {
					sum += float64(z.Data[((s*oh+i)*ow+j)*oc+k])
				}
			}
			j := sum / float64(area)
			if step == 0 {
				res[s].Start = j
			}
			res[s].Value = j
		}
		if step == o.Steps {
			break
		}
		if err := pre.BackwardWith(nn.BackwardOptions{InputGrad: true, SkipWeights: true}, dy); err != nil {
			return nil, err
		}
		g := pre.Grad(nn.InputName)
		for s := range n {
			tf[s].adjoint(dx, g.Data[s*size:(s+1)*size], h, w, c)
			ps, xs := p[s*size:(s+1)*size], x[s*size:(s+1)*size]
			var ss float64
			for i, v := range dx {
				d := v * scale * xs[i] * (1 - xs[i]) // through the sigmoid
				dx[i] = d
			}
			if decorrelate { // through M: dp = Mᵀ dx
				for q := 0; q < size; q += 3 {
					r, gg, bb := dx[q], dx[q+1], dx[q+2]
					for j := range 3 {
						dx[q+j] = M[0][j]*r + M[1][j]*gg + M[2][j]*bb
					}
				}
			}
			for _, v := range dx {
				ss += float64(v) * float64(v)
			}
			rms := math.Sqrt(ss / float64(size))
			maxGrad[s] = max(maxGrad[s], rms)
			if rms == 0 || math.IsNaN(rms) {
				continue
			}
			f := float32(o.LR / rms)
			for i, v := range dx {
				ps[i] += f * v
			}
			if o.BlurEvery > 0 && (step+1)%o.BlurEvery == 0 {
				blur(ps, tmp, h, w, c, o.BlurSigma)
			}
		}
	}
	toImage(x, p, M, decorrelate, c)
	for s, k := range chans {
		res[s].Channel = k
		res[s].Image = toRGBA(x[s*size:(s+1)*size], h, w, c)
		res[s].Flat = maxGrad[s] == 0 || math.Abs(res[s].Value-res[s].Start) <= 1e-6*(1+math.Abs(res[s].Start))
	}
	return res, nil
}

// toImage sets x = σ(M·p) pixel by pixel (M only for 3 channels).
func toImage(x, p []float32, M [3][3]float32, decorrelate bool, c int) {
	if !decorrelate {
		for i, v := range p {
			x[i] = sigmoid(v)
		}
		return
	}
	for q := 0; q < len(p); q += 3 {
		r, g, b := p[q], p[q+1], p[q+2]
		for i := range 3 {
			x[q+i] = sigmoid(M[i][0]*r + M[i][1]*g + M[i][2]*b)
		}
	}
	_ = c
}

func sigmoid(v float32) float32 { return float32(1 / (1 + math.Exp(-float64(v)))) }

// toRGBA converts an (h, w, c) image in [0, 1] to 8-bit RGBA (grey for one
// channel).
func toRGBA(x []float32, h, w, c int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range h * w {
		var px [3]uint8
		for k := range 3 {
			v := x[i*c+min(k, c-1)]
			px[k] = uint8(min(max(v*255+0.5, 0), 255))
		}
		img.SetRGBA(i%w, i/w, color.RGBA{px[0], px[1], px[2], 255})
	}
	return img
}
