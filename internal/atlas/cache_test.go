package atlas

import (
	"bytes"
	"context"
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
	if err := Store(&meta, New(net, "conv2d_1", 2, res)); err != nil {
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
	a, ok, err := Cached(meta2, net2, "conv2d_1")
	if err != nil || !ok {
		t.Fatalf("cached: %v %v", ok, err)
	}
	if len(a.Tiles) != 3 || a.Channels[1] != 3 || a.Tiles[0].Rect.Dx() != CacheTile || a.Steps != 2 || a.Values[2] != res[2].Value {
		t.Errorf("round trip: %+v", a)
	}
	if l := CachedLayers(meta2); len(l) != 1 || l[0] != "conv2d_1" {
		t.Errorf("layers %v", l)
	}
	if _, ok, _ := Cached(meta2, net2, "conv2d_2"); ok {
		t.Error("conv2d_2 has no atlas")
	}
	net2.Weights()[0].Value[0] += 1e-3
	if _, ok, err := Cached(meta2, net2, "conv2d_1"); ok || err != nil {
		t.Errorf("changed weights: still cached (%v, %v)", ok, err)
	}
	if s := Sheet(a.Tiles, []bool{false, true, false}, 32, 2); s.Rect.Dx() != 3*34+2 || s.Rect.Dy() != 36 {
		t.Errorf("sheet %v", s.Rect)
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
