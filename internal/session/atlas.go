package session

import (
	"context"
	"fmt"
	"image"

	"github.com/convscope/convscope/internal/atlas"
)

// AtlasTile is one channel's picture in an atlas.
type AtlasTile struct {
	Channel int
	Image   *image.RGBA
	// Flat marks a channel whose objective did not move.
	Flat bool
}

// AtlasProgress reports an atlas being computed: Done of Total channels.
type AtlasProgress struct {
	Layer       string
	Done, Total int
}

// The atlas' image parameterisations (atlas.Options.Param): the pixels,
// blurred every few steps (the default), or decorrelated-colour, 1/f-scaled
// Fourier coefficients (Olah et al., "Feature visualization", Distill 2017).
const (
	AtlasPixel   = atlas.ParamPixel
	AtlasFourier = atlas.ParamFourier
)

// AtlasSteps is the number of gradient steps the app's atlas takes (the
// command line's default).
var AtlasSteps = atlas.DefaultOptions.Steps

// Atlas computes the filter atlas of layer for the model on screen
// (Sequential or graph) with the image parameterisation param (AtlasPixel
// or AtlasFourier; "" is AtlasPixel), in the background: the model file's
// cached atlas for that parameterisation when its weights are unchanged
// (at once), else activation maximisation on a copy of the part of the
// network the layer depends on, all channels batched. progress and done
// run on the UI goroutine; the result is also kept in the model's metadata
// (each parameterisation under its own key, so computing one keeps the
// other's), and saving the model caches it. cancel stops the computation
// (done then gets context.Canceled).
func (s *Session) Atlas(layer, param string, progress func(AtlasProgress), done func([]AtlasTile, error)) (cancel func()) {
	ctx, cancel := context.WithCancel(context.Background())
	if param == "" {
		param = AtlasPixel
	}
	if progress == nil {
		progress = func(AtlasProgress) {}
	}
	s.Do(func(m *Model) {
		s.opts.OnWork("atlas")
		if param != AtlasPixel && param != AtlasFourier {
			err := fmt.Errorf("atlas: expected parameterisation %q or %q, received %q", AtlasPixel, AtlasFourier, param)
			s.post(func() { done(nil, err) })
			return
		}
		net := atlasNet(m)
		if a, ok, _ := atlas.Cached(m.Meta, net, layer, param); ok {
			tiles := atlasTiles(a)
			s.post(func() { done(tiles, nil) })
			return
		}
		t, err := atlas.NewTarget(net, layer)
		if err != nil {
			s.post(func() { done(nil, err) })
			return
		}
		rescale := m.Prep().Rescale
		o := atlas.Options{Steps: AtlasSteps, Param: param, Mean: m.Meta.Mean, Std: m.Meta.Std}
		s.call(func() {
			var latest Latest[AtlasProgress]
			res, err := t.Visualize(ctx, rescale, nil, o, func(d, n int) {
				deliver(&latest, s.post, AtlasProgress{layer, d, n}, progress)
			})
			if err != nil {
				s.post(func() { done(nil, err) })
				return
			}
			a := t.Atlas(o, res)
			s.Do(func(cur *Model) {
				if cur == m && atlas.WeightsHash(atlasNet(cur)) == a.Weights {
					atlas.Store(&cur.Meta, a)
				}
			})
			tiles := atlasTiles(a)
			s.post(func() { done(tiles, nil) })
		})
	})
	return cancel
}

// atlasNet is the model's network, Sequential or graph.
func atlasNet(m *Model) atlas.Network {
	if m.Graph != nil {
		return m.Graph
	}
	return m.Net
}

func atlasTiles(a *atlas.Atlas) []AtlasTile {
	out := make([]AtlasTile, len(a.Tiles))
	for i, t := range a.Tiles {
		out[i] = AtlasTile{Channel: a.Channels[i], Image: t, Flat: a.Flat[i]}
	}
	return out
}

// AtlasLayers returns the names of the model's map layers, for the atlas'
// layer choice.
func (s *Session) AtlasLayers() []string {
	var out []string
	for _, l := range s.model.MapLayers() {
		out = append(out, l.Name)
	}
	return out
}

// DefaultAtlasLayer is the last convolution of the model on screen (the
// deepest layer whose channels are filters), or the last map layer.
func (s *Session) DefaultAtlasLayer() string {
	name := ""
	for _, l := range s.model.MapLayers() {
		if name == "" || l.Kind == "Conv2D" {
			name = l.Name
		}
	}
	return name
}

// CachedAtlas hands done the atlas of layer made with param ("":
// AtlasPixel) stored in the model file when it was made for the current
// weights, nil otherwise (nothing is computed). done runs on the UI
// goroutine.
func (s *Session) CachedAtlas(layer, param string, done func([]AtlasTile)) {
	s.Do(func(m *Model) {
		var tiles []AtlasTile
		if a, ok, _ := atlas.Cached(m.Meta, atlasNet(m), layer, param); ok {
			s.opts.OnWork("cached atlas")
			tiles = atlasTiles(a)
		}
		s.post(func() { done(tiles) })
	})
}
