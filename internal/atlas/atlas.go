// Package atlas draws what each channel of a layer responds to by
// activation maximisation: gradient ascent on the input image to maximise
// the channel's mean activation (Erhan et al. 2009; Simonyan et al. 2014;
// Keras' "Visualizing what convnets learn", F. Chollet, Deep Learning with
// Python ch. 5.4 / 9).
//
// The objective for channel k of layer L is the mean of its map, the
// pre-activation z counting fully above zero and α = Slope (0.1) times
// below,
//
//	J(x) = mean_{b ≤ i < H−b, b ≤ j < W−b} φ(z_L[i, j, k](T(x))),  φ(z) = max(z, α·z)
//
// Above zero φ is the ReLU, so J is the channel's mean activation as the
// grid shows it (Keras maximises the layer's output, after its
// activation); below zero the slope keeps a gradient, so a channel that is
// negative everywhere — dead for this image — still moves and still gets
// a picture (optimising z itself, α = 1, rewards making the negative cells
// less negative as much as the positive ones larger: measured, fewer
// channels reach 5× their baseline). Keras' example leaves out a border of
// b = 2 cells because its border cells see the convolutions' zero padding;
// the tutorial's valid convolutions have none, so b = Border = 0.
//
// Two parameterisations of the image x (Param):
//   - pixel (default): x itself, started from uniform noise, each step
//     Keras' normalised ascent x ← clip(x + LR·g/rms(g), 0, 1) (projected
//     onto the valid images), blurred every BlurEvery steps by a Gaussian
//     of σ = BlurSigma px (Yosinski et al., "Understanding neural networks
//     through deep visualization", 2015), which removes the
//     highest-frequency patterns;
//   - fourier: Olah, Mordvintsev & Schubert, "Feature visualization",
//     Distill 2017, and their library Lucid: x = σ(M·y) with y the inverse
//     DFT of 1/f-scaled coefficients (spectrum, fourier.go, for the
//     formulas), M the square root of ImageNet's colour correlation
//     (Lucid's color_correlation_svd_sqrt, normalised to a largest column
//     norm of 1: colours decorrelated), σ the sigmoid; Lucid's Adam step.
//
// Both see the image under transformation robustness (Olah et al. 2017;
// Lucid's standard transforms): every step a fresh random jitter
// (±Jitter px), scale (1 ± Scale) and rotation (±Rotate°), T above, with
// its exact adjoint for the gradient. Scale and rotation resample the
// image bilinearly, a low-pass filter: for the pixel parameterisation they
// are off by default (DefaultScale, DefaultRotate), because the tutorial
// network's channels like stripes one or two pixels wide, which the
// resampling blurs — measured on its 8 channels nearest 5×: with them,
// 40 steps reach 4.47–4.99× their baseline, with jitter alone (integer
// shifts, no resampling) 4.78–5.46×, and the pictures look the same. The
// Fourier parameterisation's smooth images keep Lucid's scale and
// rotation. The last Polish steps (half of
// them by default) see the image itself, without transformation or blur,
// so it ends at a maximum of J for the image shown rather than for its
// jittered copies: the regularisers shape the picture, the polish steps
// sharpen it to the pixel grid the channel sees.
//
// Measured on the tutorial's default model (atlas_test.go, docs/atlas.md):
// at 40 steps the pixel parameterisation drives more channels past 5×
// their baseline than the Fourier one, whose smooth 1/f images suit
// ImageNet-scale networks and many hundreds of steps; pixel is the
// default.
//
// Channels are optimised in batches (one image per channel), so a layer of
// 128 channels costs 128/Batch batched forward and backward passes per
// step, through the part of the network the layer depends on only
// (Prefix). Sequential models and graphs (ONNX, Keras functional) alike.
package atlas

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/convscope/convscope/nn"
)

// Parameterisations of the optimised image (Options.Param).
const (
	ParamFourier = "fourier" // decorrelated colour, 1/f-scaled Fourier coefficients (fourier.go)
	ParamPixel   = "pixel"   // decorrelated colour per pixel, periodic blur
)

// Options are the optimisation's settings. Zero values mean the defaults
// (DefaultOptions).
type Options struct {
	Steps     int     // gradient steps (40)
	LR        float64 // step size: per pixel in [0, 1] units (pixel, 0.08) or Adam's (Fourier, 0.3)
	Border    int     // map cells left out at each edge of the objective (0: none)
	Slope     float64 // the objective's slope below zero, α in φ(z) = max(z, α·z) (0.1)
	Jitter    int     // random translation in pixels, ± (6); negative: none
	Scale     float64 // random scale 1 ± Scale (pixel: none, Fourier: 0.05); negative: none
	Rotate    float64 // random rotation in degrees, ± (pixel: none, Fourier: 5); negative: none
	BlurEvery int     // pixel parameterisation: blur every this many steps (4); negative: never
	BlurSigma float64 // the blur's σ in pixels (0.5)
	Polish    int     // the last Polish steps see the image without transformation or blur (20); negative: none
	Param     string  // ParamPixel (default) or ParamFourier
	// Mean and Std standardise the rescaled input per channel, (v − Mean)/Std,
	// as nn.Metadata's (ImageNet models); empty: none.
	Mean, Std []float64
	Batch     int // channels optimised together (16)
	Seed      int64
	// NoRetry keeps the regularised result of a channel that never fires
	// (its objective ends ≤ 0); by default such channels are optimised
	// again without jitter, scale, rotation or blur (retry).
	NoRetry bool
	// Extra more steps (80), without the regularisers and with a falling
	// step, for channels whose objective ends below Target (5) times its
	// start (extend; negative: none).
	Extra  int
	Target float64
	// Vertex steps (10) after the extension for the channels still below
	// Target times their start: every pixel moved to the end of [0, 1]
	// its gradient points to (vertexStep), the result kept when its
	// objective is higher (extend; negative: none).
	Vertex int
	// Periods are the periods in pixels of the periodic images tried
	// after that for the channels still short (periodic; nil: {2, 4, 8};
	// empty, or Extra negative: none).
	Periods []int
	// Windows are the shapes, in cells (ny, nx), of the periodic images
	// tried on a small window after that, on layers deeper than the first
	// convolution, for the channels still short (windowImages; nil:
	// {2, 2}, {2, 1}, {3, 3}; empty, or Extra negative: none).
	Windows [][2]int

	// tests only: the best-ratio search (atlas_test.go)
	start    func(ch int) []float32 // pixel: the starting image of channel ch (nil: noise)
	fromBest bool                   // start from the baseline image that drives the channel most
	box      float32                // pixel: the box is [−box, 1 + box] (0: the valid images)
	decay    bool                   // pixel: the step falls linearly from LR to LR/4
	vertex   bool                   // pixel: each step moves every pixel to the end of the box its gradient points to
	period   int                    // pixel: the gradient is averaged over the pixels congruent mod period (periodic images stay periodic)
}

// DefaultOptions are the settings used when a field is zero (LR, Scale
// and Rotate: per parameterisation, DefaultLR, DefaultScale,
// DefaultRotate).
var DefaultOptions = Options{Steps: 40, Slope: 0.1, Jitter: 6,
	BlurEvery: 4, BlurSigma: 0.5, Polish: 20, Param: ParamPixel, Batch: 16, Extra: 80, Target: 5, Vertex: 10, Periods: []int{2, 4, 8},
	Windows: [][2]int{{2, 2}, {2, 1}, {3, 3}}}

// DefaultLR is the step size of each parameterisation.
var DefaultLR = map[string]float64{ParamPixel: 0.08, ParamFourier: 0.3}

// DefaultScale and DefaultRotate are the random scale and rotation of each
// parameterisation (negative: none).
var (
	DefaultScale  = map[string]float64{ParamPixel: -1, ParamFourier: 0.05}
	DefaultRotate = map[string]float64{ParamPixel: -1, ParamFourier: 5}
)

func (o Options) withDefaults() Options {
	d := DefaultOptions
	if o.Steps <= 0 {
		o.Steps = d.Steps
	}
	if o.Param == "" {
		o.Param = d.Param
	}
	if o.LR <= 0 {
		o.LR = DefaultLR[o.Param]
	}
	if o.Slope == 0 {
		o.Slope = d.Slope
	}
	if o.Jitter == 0 {
		o.Jitter = d.Jitter
	}
	if o.Scale == 0 {
		o.Scale = DefaultScale[o.Param]
	}
	if o.Rotate == 0 {
		o.Rotate = DefaultRotate[o.Param]
	}
	if o.BlurEvery == 0 {
		o.BlurEvery = d.BlurEvery
	}
	if o.BlurSigma <= 0 {
		o.BlurSigma = d.BlurSigma
	}
	if o.Polish == 0 {
		o.Polish = d.Polish
	}
	if o.Batch <= 0 {
		o.Batch = d.Batch
	}
	if o.Extra == 0 {
		o.Extra = d.Extra
	}
	if o.Target <= 0 {
		o.Target = d.Target
	}
	if o.Vertex == 0 {
		o.Vertex = d.Vertex
	}
	if o.Periods == nil {
		o.Periods = d.Periods
	}
	if o.Windows == nil {
		o.Windows = d.Windows
	}
	return o
}

// Result is one channel's picture.
type Result struct {
	Channel int
	// Image is the optimised image, the network input's size, 8-bit.
	Image *image.RGBA
	// Start and Value are the objective J at the first and the last step.
	Start, Value float64
	// Flat marks a channel whose objective did not move: no input changes
	// it (no gradient reaches it).
	Flat bool
	// startAct and act are the mean activation (the ReLU's mean over the
	// objective's cells) at the first and the last step.
	startAct, act float64
}

// Visualize optimises one image per channel of layer (all of them when
// channels is empty) of net, a *nn.Sequential or *nn.Graph. rescale maps
// 8-bit pixels to the network's input (1/255 for the tutorial's models;
// 0 means that). progress, if non-nil, is called after every batch with
// the channels done. It stops with ctx's error.
func Visualize(ctx context.Context, net Network, rescale float32, layer string, channels []int, o Options, progress func(done, total int)) ([]Result, error) {
	t, err := NewTarget(net, layer)
	if err != nil {
		return nil, err
	}
	return t.Visualize(ctx, rescale, channels, o, progress)
}

// Target is a layer made ready for activation maximisation: the part of
// the network it depends on, with its own copy of the weights, so that it
// can be optimised on another goroutine while the model goes on.
type Target struct {
	Layer    string
	Channels int    // the layer's channels
	Weights  string // WeightsHash of the network it was made from
	pre      *nn.Graph
}

// NewTarget copies what layer of net depends on (see Prefix).
func NewTarget(net Network, layer string) (*Target, error) {
	pre, nch, err := Prefix(net, layer)
	if err != nil {
		return nil, err
	}
	return &Target{Layer: layer, Channels: nch, Weights: WeightsHash(net), pre: pre}, nil
}

// Visualize is Visualize on the target.
func (t *Target) Visualize(ctx context.Context, rescale float32, channels []int, o Options, progress func(done, total int)) ([]Result, error) {
	o = o.withDefaults()
	if o.Param != ParamFourier && o.Param != ParamPixel {
		return nil, fmt.Errorf("atlas: expected parameterisation %q or %q, received %q", ParamPixel, ParamFourier, o.Param)
	}
	if len(channels) == 0 {
		for k := range t.Channels {
			channels = append(channels, k)
		}
	}
	for _, k := range channels {
		if k < 0 || k >= t.Channels {
			return nil, fmt.Errorf("atlas: %s: expected channels 0–%d, received %d", t.Layer, t.Channels-1, k)
		}
	}
	if rescale == 0 {
		rescale = 1.0 / 255
	}
	var out []Result
	for start := 0; start < len(channels); start += o.Batch {
		batch := channels[start:min(start+o.Batch, len(channels))]
		res, err := optimise(ctx, t.pre, rescale, batch, o, o.Seed)
		if err != nil {
			return nil, err
		}
		if err := t.retry(ctx, rescale, res, o, o.Seed); err != nil {
			return nil, err
		}
		if err := t.extend(ctx, rescale, res, o, o.Seed); err != nil {
			return nil, err
		}
		if err := t.periodic(ctx, rescale, res, o, o.Seed); err != nil {
			return nil, err
		}
		if err := t.windowImages(ctx, rescale, res, o, o.Seed); err != nil {
			return nil, err
		}
		out = append(out, res...)
		if progress != nil {
			progress(len(out), len(channels))
		}
	}
	return out, nil
}

// Atlas makes the cacheable Atlas of results computed on t with o.
func (t *Target) Atlas(o Options, res []Result) *Atlas {
	return newAtlas(t.Layer, t.Weights, o, res)
}

// colorSqrt is the square root of ImageNet's RGB colour correlation
// (Lucid's color_correlation_svd_sqrt, lucid/optvis/param/color.py).
var colorSqrt = [3][3]float32{{0.26, 0.09, 0.02}, {0.27, 0.00, -0.05}, {0.27, -0.09, 0.03}}

// colorMatrix returns colorSqrt scaled so its largest column norm is 1
// (Lucid's color_correlation_normalized).
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
