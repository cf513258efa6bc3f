package session

import (
	"bytes"
	"image"
	"testing"
)

// inspectOf asks h to inspect channel ch of lv and settles; nil when no
// inspection came.
func inspectOf(h *harness, lv *LayerView, ch int) *Inspection {
	var got *Inspection
	h.Inspect(lv, ch, func(in *Inspection) { got = in })
	h.settle()
	return got
}

// The inspector's values are the channel's map, H×W row-major; its kernel
// is, for the first layer (RGB input), every filter as a 30-pixel RGB
// tile (4 filters: 4·30 + 5·2 = 130 pixels wide), and for a later layer
// the inspected filter's slices, one 15-pixel tile per input channel
// (4: 4·15 + 5·2 = 70), different for each filter.
func TestInspectValuesAndKernels(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	h.Open("a", "", loaderOf(testImage(30, 20, 3)))
	h.settle()
	f := h.last()
	for _, c := range []struct {
		layer, ch int
		rgb       bool
		width     int
	}{
		{0, 1, true, 130}, {0, 3, true, 130}, {2, 0, false, 70}, {2, 5, false, 70},
	} {
		lv := f.Layers[c.layer]
		in := inspectOf(h, lv, c.ch)
		if in == nil {
			t.Fatalf("%s/%d: no inspection", lv.Name, c.ch)
		}
		hh, ww, cc := lv.Shape[0], lv.Shape[1], lv.Shape[2]
		if len(in.Values) != hh*ww {
			t.Fatalf("%s/%d: %d values, want %d×%d", lv.Name, c.ch, len(in.Values), hh, ww)
		}
		for p, v := range in.Values {
			if want := lv.Act.Data[p*cc+c.ch]; v != want {
				t.Fatalf("%s/%d: value %d = %v, the map holds %v", lv.Name, c.ch, p, v, want)
			}
		}
		if in.Kernel == nil || in.KernelRGB != c.rgb || in.Kernel.Rect.Dx() != c.width {
			t.Errorf("%s/%d: kernel %v, RGB %v; want %d wide, RGB %v", lv.Name, c.ch, in.Kernel, in.KernelRGB, c.width, c.rgb)
		}
	}
	// The inspected filter's cell (for the inspector's frame): inside the
	// picture, one per filter, row by row; none for a later layer.
	var cells []image.Rectangle
	for ch := range f.Layers[0].Shape[2] {
		in := inspectOf(h, f.Layers[0], ch)
		c := in.KernelCell
		if c.Empty() || !c.In(in.Kernel.Rect) {
			t.Fatalf("filter %d: cell %v in a %v kernel picture", ch, c, in.Kernel.Rect)
		}
		if ch > 0 && (c.Min.X <= cells[ch-1].Min.X || c.Min.Y != cells[ch-1].Min.Y || c.Size() != cells[0].Size()) {
			t.Errorf("filter %d: cell %v after %v", ch, c, cells[ch-1])
		}
		cells = append(cells, c)
	}
	if c := inspectOf(h, f.Layers[2], 0).KernelCell; !c.Empty() {
		t.Errorf("a later layer's kernel has a filter cell %v", c)
	}
	k0, k1 := inspectOf(h, f.Layers[2], 0).Kernel, inspectOf(h, f.Layers[2], 1).Kernel
	if bytes.Equal(k0.Pix, k1.Pix) {
		t.Error("filters 0 and 1 of conv2d_2 draw the same kernel")
	}
	// Pooling has no kernel.
	if in := inspectOf(h, f.Layers[1], 0); in == nil || in.Kernel != nil {
		t.Errorf("pooling inspection %+v", in)
	}
}

// A layer view of a frame no longer on screen has lost its activations
// (the network overwrote them): inspecting it gives nothing, not a
// picture of another image's numbers.
func TestInspectStaleFrame(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	h.Open("a", "", loaderOf(testImage(30, 20, 3)))
	h.settle()
	old := h.last()
	h.Open("b", "", loaderOf(testImage(30, 20, 5)))
	h.settle()
	if in := inspectOf(h, old.Layers[0], 0); in != nil {
		t.Errorf("inspected a stale frame: %+v", in)
	}
	if in := inspectOf(h, h.last().Layers[2], 0); in == nil {
		t.Error("no inspection of the frame on screen")
	}
}

// A filter the layer does not have gives no kernel picture (no panic).
func TestKernelImageOutOfRange(t *testing.T) {
	m := tinyModel(t, 12)
	for _, c := range []struct{ layer, ch int }{{0, 4}, {2, 6}, {2, 7}, {1, 0}} {
		if img, rgb := kernelImage(m, c.layer, c.ch); img != nil || rgb {
			t.Errorf("layer %d filter %d: kernel %v, RGB %v", c.layer, c.ch, img != nil, rgb)
		}
	}
}
