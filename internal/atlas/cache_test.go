package atlas

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

// An atlas stored in a model file comes back with the file, and is stale
// once a weight changes.
func TestCacheRoundTrip(t *testing.T) {
	net, err := nn.ReferenceModel()
	if err != nil {
		t.Fatal(err)
	}
	net.Init(1)
	res, err := Visualize(context.Background(), net, 0, "conv2d_1", []int{0, 3, 7}, Options{Steps: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var meta nn.Metadata
	if err := Store(&meta, New(net, "conv2d_1", Options{Steps: 2}, res)); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := nn.Write(&buf, net, meta); err != nil {
		t.Fatal(err)
	}
	net2, meta2, err := nn.Load(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	a, ok, err := Cached(meta2, net2, "conv2d_1", "")
	if err != nil || !ok {
		t.Fatalf("cached: %v %v", ok, err)
	}
	if len(a.Tiles) != 3 || a.Channels[1] != 3 || a.Tiles[0].Rect.Dx() != CacheTile || a.Steps != 2 || a.Values[2] != res[2].Value || a.Param != ParamPixel {
		t.Errorf("round trip: %+v", a)
	}
	if l := CachedLayers(meta2, ParamPixel); len(l) != 1 || l[0] != "conv2d_1" {
		t.Errorf("layers %v", l)
	}
	if _, ok, _ := Cached(meta2, net2, "conv2d_2", ParamPixel); ok {
		t.Error("conv2d_2 has no atlas")
	}
	if _, ok, _ := Cached(meta2, net2, "conv2d_1", ParamFourier); ok || len(CachedLayers(meta2, ParamFourier)) != 0 {
		t.Error("the pixel atlas is returned for the Fourier parameterisation")
	}
	net2.Weights()[0].Value[0] += 1e-3
	if _, ok, err := Cached(meta2, net2, "conv2d_1", ParamPixel); ok || err != nil {
		t.Errorf("changed weights: still cached (%v, %v)", ok, err)
	}
	if s := Sheet(a.Tiles, []bool{false, true, false}, 32, 2); s.Rect.Dx() != 3*34+2 || s.Rect.Dy() != 36 {
		t.Errorf("sheet %v", s.Rect)
	}
}

// The two parameterisations' atlases of a layer are cached side by side:
// storing one keeps the other, each comes back only for its own
// parameterisation, and an entry saved before the parameterisation was
// recorded (no "param") reads as the pixel one.
func TestCachePerParameterisation(t *testing.T) {
	t.Parallel() // heavy: overlaps the other heavy tests on the second core (CI runs them under -race)
	net, err := nn.ReferenceModel()
	if err != nil {
		t.Fatal(err)
	}
	net.Init(1)
	var meta nn.Metadata
	for _, p := range []string{ParamPixel, ParamFourier} {
		o := Options{Steps: 1, Param: p}
		res, err := Visualize(context.Background(), net, 0, "conv2d_1", []int{1, 2}, o, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := Store(&meta, New(net, "conv2d_1", o, res)); err != nil {
			t.Fatal(err)
		}
	}
	if len(meta.Extra) != 2 || meta.Extra[MetaKey("conv2d_1", ParamFourier)] == "" || meta.Extra[MetaPrefix+"conv2d_1"] == "" {
		t.Fatalf("keys: %v", len(meta.Extra))
	}
	for _, p := range []string{ParamPixel, ParamFourier} {
		a, ok, err := Cached(meta, net, "conv2d_1", p)
		if !ok || err != nil || a.Param != p || len(a.Tiles) != 2 {
			t.Errorf("%s: %v %v %+v", p, ok, err, a)
		}
		if l := CachedLayers(meta, p); len(l) != 1 || l[0] != "conv2d_1" {
			t.Errorf("%s: layers %v", p, l)
		}
	}
	// A Fourier entry under the pixel key (not written by Store) is not a
	// pixel atlas.
	meta.Extra[MetaPrefix+"conv2d_1"] = meta.Extra[MetaKey("conv2d_1", ParamFourier)]
	if _, ok, _ := Cached(meta, net, "conv2d_1", ParamPixel); ok {
		t.Error("a Fourier atlas is returned as the pixel one")
	}
	// An old entry without "param" is the pixel parameterisation's.
	old := strings.Replace(meta.Extra[MetaKey("conv2d_1", ParamFourier)], `"param":"fourier",`, "", 1)
	if old == meta.Extra[MetaKey("conv2d_1", ParamFourier)] {
		t.Fatal("no param field in the stored JSON")
	}
	meta.Extra[MetaPrefix+"conv2d_1"] = old
	if a, ok, _ := Cached(meta, net, "conv2d_1", ""); !ok || a.Param != ParamPixel {
		t.Errorf("an entry without param: %v %+v", ok, a)
	}
}

func TestVisualizeErrors(t *testing.T) {
	net, _ := nn.ReferenceModel()
	for _, tc := range []struct {
		layer string
		ch    []int
	}{{"nope", nil}, {"dense_1", nil}, {"conv2d_1", []int{32}}, {"conv2d_1", []int{-1}}} {
		if _, err := Visualize(context.Background(), net, 0, tc.layer, tc.ch, Options{Steps: 1}, nil); err == nil {
			t.Errorf("%s %v: no error", tc.layer, tc.ch)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Visualize(ctx, net, 0, "conv2d_1", nil, Options{Steps: 1}, nil); err == nil {
		t.Error("cancelled: no error")
	}
}
