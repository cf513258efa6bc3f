package cli

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/convscope/convscope/internal/atlas"
	"github.com/convscope/convscope/internal/render"
)

const filtersHelp = `Draws what each channel of --layer responds to: for every channel (or
--channels), gradient ascent on the input image maximises the channel's mean
activation (Keras' "visualizing what convnets learn"; below zero the
pre-activation counts 0.1×, so a dead channel still gets a picture), with
random jitter, the last 20 steps without it; a channel that never fires is
optimised again without regularisers. --param pixel (default) optimises the
pixels, blurred every 4 steps (Keras, DeepVis); --param fourier optimises
decorrelated-colour, 1/f-scaled Fourier coefficients (Olah et al., "Feature
visualization", Distill 2017), with small random scale and rotation too:
smoother pictures, lower activations at 40 steps. Channels optimise in
batches. Sequential and graph models (.onnx, Keras functional).

Writes DIR/LAYER_cNNN.png per channel (the network input's size) and
DIR/LAYER_atlas.png (16 tiles per row; a red frame marks a channel whose
objective stayed flat: no input moves it). With --cache and a model FILE,
the atlas is also stored in the model file (its metadata, keyed by a hash
of the weights, one entry per --param), where the app finds it. Without --model, the embedded
default model.
`

// runFilters computes a layer's filter atlas.
func runFilters(e *env, args []string) error {
	fs := newFlagSet("filters",
		"convscope filters [--model FILE] --layer NAME [--channels LIST] --out DIR [--steps N] [--param pixel|fourier] [--cache]",
		filtersHelp)
	modelPath := fs.String("model", "", "a model `FILE` (.safetensors, .onnx, .h5, .keras; Sequential or graph)")
	preset := fs.String("preprocess", "", preprocessUsage)
	layer := fs.String("layer", "", "map layer `NAME` (a convolution or pooling)")
	var chans listFlag
	fs.Var(&chans, "channels", "comma-separated channel `LIST` (default: all; ranges as 0-15)")
	out := fs.String("out", "", "output folder `DIR` (created if needed)")
	steps := fs.Int("steps", atlas.DefaultOptions.Steps, "gradient steps `N`")
	lr := fs.Float64("lr", 0, "step size `S` (default 0.08 per pixel for pixel, Adam's 0.3 for fourier)")
	param := fs.String("param", atlas.DefaultOptions.Param, "image parameterisation `P`: pixel or fourier")
	batch := fs.Int("batch", atlas.DefaultOptions.Batch, "channels optimised together `N`")
	seed := fs.Int64("seed", 0, "random `SEED`")
	cache := fs.Bool("cache", false, "also store the atlas in the model file (--model FILE)")
	if err := fs.parseNoArgs(e.stdout, args); err != nil {
		return err
	}
	if err := fs.require("layer", "out"); err != nil {
		return err
	}
	switch {
	case *steps < 1 || *batch < 1 || !(*lr == 0 || positiveFinite(*lr)):
		return fs.bad("--steps and --batch must be 1 or more and --lr positive and finite (0: the default), received %d, %d and %g", *steps, *batch, *lr)
	case *param != atlas.ParamPixel && *param != atlas.ParamFourier:
		return fs.bad("--param: expected pixel or fourier, received %q", *param)
	case *cache && (*modelPath == "" || strings.HasPrefix(*modelPath, "builtin:") || !strings.EqualFold(filepath.Ext(*modelPath), ".safetensors")):
		return fs.bad("--cache needs --model FILE (a .safetensors file to write into)")
	}
	ranges, err := parseChannels(chans)
	if err != nil {
		return fs.bad("--channels: %v", err)
	}
	if err := checkPreprocess(fs, *modelPath, *preset); err != nil {
		return err
	}
	m, err := loadModelPreset(*modelPath, *preset, e.stderr)
	if err != nil {
		return err
	}
	var net atlas.Network = m.Net
	if m.Graph != nil {
		net = m.Graph
	}
	t, err := atlas.NewTarget(net, *layer)
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "atlas: "))
	}
	channels, err := pickChannels(ranges, *layer, t.Channels)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil { // after every check: a refused run leaves no folder
		return err
	}
	total := len(channels)
	if total == 0 {
		total = t.Channels
	}
	bar := NewProgbar(e.stderr, max(total, 1), isTerminal(e.stderr))
	start := time.Now()
	o := atlas.Options{Steps: *steps, LR: *lr, Batch: *batch, Seed: *seed, Param: *param, Mean: m.Meta.Mean, Std: m.Meta.Std}
	res, err := t.Visualize(e.ctx, float32(m.Prep().Rescale), channels, o, func(done, _ int) {
		bar.Update(done, nil, time.Since(start))
	})
	if errors.Is(err, context.Canceled) {
		return &interruptedError{msg: "interrupted"}
	}
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "atlas: "))
	}
	elapsed := time.Since(start)
	bar.Finish(len(res), nil, elapsed)
	base := filepath.Join(*out, fileName(*layer))
	tiles := make([]*image.RGBA, 0, len(res))
	var flat []bool
	nflat := 0
	for _, r := range res {
		p := fmt.Sprintf("%s_c%03d.png", base, r.Channel)
		if err := render.WritePNG(p, r.Image); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		tiles = append(tiles, r.Image)
		flat = append(flat, r.Flat)
		if r.Flat {
			nflat++
		}
	}
	sheet := base + "_atlas.png"
	if err := render.WritePNG(sheet, atlas.Sheet(tiles, flat, 64, 2)); err != nil {
		return fmt.Errorf("%s: %w", sheet, err)
	}
	fmt.Fprintf(e.stdout, "%s: %d channels (%d flat), %d steps in %.1f s → %s_c*.png, %s\n", *layer, len(res), nflat, *steps, elapsed.Seconds(), base, sheet)
	if *cache {
		meta := m.Metadata(nil)
		if err := atlas.Store(&meta, t.Atlas(o, res)); err != nil {
			return err
		}
		m.Meta = meta
		if err := m.Save(*modelPath, nil); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "stored in %s\n", *modelPath)
	}
	return nil
}

// chanRange is one item of --channels: channels lo…hi, inclusive.
type chanRange struct{ lo, hi int }

// parseChannels reads "0,3,8-11" (an empty list means all). It checks the
// syntax only: the layer's channel count is known later (pickChannels).
func parseChannels(items []string) ([]chanRange, error) {
	var out []chanRange
	for _, it := range items {
		it = strings.TrimSpace(it)
		lo, hi, isRange := strings.Cut(it, "-")
		a, err := strconv.Atoi(lo)
		if err != nil || a < 0 {
			return nil, fmt.Errorf("expected channel numbers or ranges (0,3,8-11), received %q", it)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return nil, fmt.Errorf("expected a range LOW-HIGH, received %q", it)
			}
		}
		out = append(out, chanRange{a, b})
	}
	return out, nil
}

// pickChannels expands the ranges for a layer of n channels: each channel
// once, in the order first asked for; nil (all) for no ranges. A channel
// beyond the layer is an error before anything is allocated for it (a
// range such as 0-2000000000 used to be expanded first and ran the
// process out of memory).
func pickChannels(rs []chanRange, layer string, n int) ([]int, error) {
	var out []int
	seen := make([]bool, n)
	for _, r := range rs {
		if r.hi >= n {
			return nil, fmt.Errorf("%s: expected channels 0–%d, received %d", layer, n-1, r.hi)
		}
		for k := r.lo; k <= r.hi; k++ {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out, nil
}
