package session

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/convscope/convscope/internal/atlas"
)

// The Atlas page's parameterisation reaches the optimisation: each
// parameterisation's tiles are the ones atlas.Visualize makes with it, both
// are kept in the model's metadata under their own keys (computing the
// Fourier atlas keeps the pixel one), CachedAtlas returns each only for its
// own parameterisation, and an unknown one is an error.
func TestAtlasParameterisation(t *testing.T) {
	defer func(n int) { AtlasSteps = n }(AtlasSteps)
	AtlasSteps = 3
	m := tinyModel(t, 12)
	h := newHarness(t, m)
	got := map[string][]AtlasTile{}
	for _, p := range []string{AtlasPixel, AtlasFourier} {
		finished := false
		var err error
		h.Atlas("conv2d_2", p, nil, func(ts []AtlasTile, e error) { got[p], err, finished = ts, e, true })
		until(t, h, func() bool { return finished })
		if err != nil || len(got[p]) == 0 {
			t.Fatalf("%s: %d tiles, %v", p, len(got[p]), err)
		}
		want, err := atlas.Visualize(context.Background(), m.Net, float32(m.Prep().Rescale), "conv2d_2", nil, atlas.Options{Steps: AtlasSteps, Param: p}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range want {
			if !bytes.Equal(r.Image.Pix, got[p][i].Image.Pix) {
				t.Errorf("%s: channel %d is not the %s parameterisation's picture", p, i, p)
				break
			}
		}
	}
	if bytes.Equal(got[AtlasPixel][0].Image.Pix, got[AtlasFourier][0].Image.Pix) {
		t.Error("the two parameterisations gave the same picture")
	}
	var meta []string
	h.Do(func(m *Model) {
		meta = append(atlas.CachedLayers(m.Meta, AtlasPixel), atlas.CachedLayers(m.Meta, AtlasFourier)...)
	})
	h.Wait()
	if strings.Join(meta, ",") != "conv2d_2,conv2d_2" {
		t.Errorf("cached layers (pixel, then Fourier): %v", meta)
	}
	cachedBy := map[string][]AtlasTile{}
	for _, p := range []string{AtlasPixel, AtlasFourier} {
		done := false
		h.CachedAtlas("conv2d_2", p, func(ts []AtlasTile) { cachedBy[p], done = ts, true })
		until(t, h, func() bool { return done })
		if len(cachedBy[p]) != len(got[p]) {
			t.Fatalf("%s: %d cached tiles, want %d", p, len(cachedBy[p]), len(got[p]))
		}
	}
	// The cache holds tiles scaled to atlas.CacheTile pixels: each
	// parameterisation's first tile has its own mean colour.
	if meanPix(cachedBy[AtlasPixel][0].Image.Pix) == meanPix(cachedBy[AtlasFourier][0].Image.Pix) {
		t.Error("the cached tiles are the same for both parameterisations")
	}
	var err error
	done := false
	h.Atlas("conv2d_2", "lucid", nil, func(_ []AtlasTile, e error) { err, done = e, true })
	until(t, h, func() bool { return done })
	if err == nil || !strings.Contains(err.Error(), `received "lucid"`) {
		t.Errorf("unknown parameterisation: %v", err)
	}
}

func meanPix(p []uint8) float64 {
	var s float64
	for _, v := range p {
		s += float64(v)
	}
	return s / float64(len(p))
}
