package session

import (
	"errors"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convscope/convscope/internal/render"
	"github.com/convscope/convscope/nn"
)

// wideModel is a graph whose second layer has 40 channels of 6×6 maps.
func wideModel(t *testing.T) *Model {
	t.Helper()
	g := nn.NewGraph([]int{12, 12, 3})
	g.Add(nn.NewConv2D(4, 3, 3, nn.WithStrides(2, 2), nn.WithPadding("same"), nn.WithName("stem")), nn.GraphInput)
	g.Add(nn.NewConv2D(40, 1, 1, nn.WithName("wide")), "stem")
	g.Add(nn.NewGlobalAveragePooling2D(nn.WithName("gap")), "wide")
	g.Add(nn.NewDense(3, nn.WithName("logits")), "gap")
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	g.Init(2)
	return &Model{Graph: g, Label: "wide"}
}

// TestBandsMatchTheWholeSheet: every band of a layer, in every scale mode,
// holds exactly the tiles (and labels) the whole layer's sheet has for its
// channels, so drawing bands on demand changes nothing on screen.
func TestBandsMatchTheWholeSheet(t *testing.T) {
	for _, mode := range []render.ScaleMode{render.Standardize, render.MinMax, render.Layer} {
		h := newHarness(t, wideModel(t))
		v := h.View()
		v.Scale, v.Tile, v.Cols, v.Width = mode, 120, 16, 4*122+2 // 4 tiles a row, 3 rows a band
		h.SetView(v)
		h.Open("a", "", loaderOf(testImage(12, 12, 3)))
		h.settle()
		f := h.last()
		l := f.Layers[1]
		bands := f.Bands(1)
		if len(bands) < 3 || bands[0].C0 != 0 || bands[len(bands)-1].C1 != 40 {
			t.Fatalf("%v: bands %+v", mode, bands)
		}
		whole := v.Render(nil, l.Act.Data, l.Shape[0], l.Shape[1], l.Shape[2])
		for j, b := range bands {
			if j > 0 && b.C0 != bands[j-1].C1 {
				t.Fatalf("bands %+v leave a gap", bands)
			}
			sh := h.band(f, 1, j)
			if w, hh := f.BandSize(b); sh.Image.Bounds() != image.Rect(0, 0, w, hh) || hh > BandHeight {
				t.Errorf("band %d: %v, BandSize %d×%d", j, sh.Image.Bounds(), w, hh)
			}
			for ch := b.C0; ch < b.C1; ch++ {
				got := sh.Layout.Cell(ch - b.C0)
				want := whole.Layout.Cell(ch)
				for y := 0; y < got.Dy(); y++ {
					for x := 0; x < got.Dx(); x++ {
						if sh.Image.RGBAAt(got.Min.X+x, got.Min.Y+y) != whole.Image.RGBAAt(want.Min.X+x, want.Min.Y+y) {
							t.Fatalf("%v: band %d, channel %d: pixel (%d, %d) differs from the whole sheet", mode, j, ch, x, y)
						}
					}
				}
			}
		}
	}
}

// TestRenderBandOfAnOldFrame: a band asked for a frame no longer on
// screen is not drawn (its activations are gone).
func TestRenderBandOfAnOldFrame(t *testing.T) {
	h := newHarness(t, wideModel(t))
	h.Open("a", "", loaderOf(testImage(12, 12, 1)))
	h.settle()
	old := h.last()
	h.Open("b", "", loaderOf(testImage(12, 12, 2)))
	h.settle()
	drawn := false
	h.RenderBand(old, old.Bands(0)[0], func(*Sheet) { drawn = true })
	h.settle()
	if drawn {
		t.Error("a band of an old frame was drawn")
	}
	if h.band(h.last(), 0, 0) == nil {
		t.Error("the current frame's band was not drawn")
	}
}

// TestExplanationLeavesTheFrameValid: an explanation runs the network on
// other inputs (noisy copies, batches) and the sanity check on redrawn
// weights — for a graph, with the graph's own buffers; the frame on
// screen still holds the image's activations afterwards.
func TestExplanationLeavesTheFrameValid(t *testing.T) {
	h := newHarness(t, wideModel(t))
	h.Open("a", "", loaderOf(testImage(12, 12, 1)))
	h.settle()
	f := h.last()
	before := append([]float32(nil), f.Layers[0].Act.Data...)
	var e *Explanation
	h.Explain(ExplainOptions{Method: "gradcam"}, nil, func(x *Explanation) { e = x })
	h.settle()
	if e == nil || e.Err != nil {
		t.Fatalf("explanation: %+v", e)
	}
	// The sanity check redraws the weights and runs the image through them.
	var serr error = errors.New("no answer")
	h.SanityCheck(ExplainOptions{}, func(_ []SanityImage, err error) { serr = err })
	h.settle()
	if serr != nil {
		t.Fatal(serr)
	}
	if h.last() != f {
		t.Error("an explanation published a new frame")
	}
	var got []float32
	h.Do(func(m *Model) {
		got = append(got, f.Layers[0].Act.Data...)
	})
	h.settle()
	for i := range before {
		if got[i] != before[i] {
			t.Fatalf("value %d of the frame's first layer: %v after the explanation, %v before", i, got[i], before[i])
		}
	}
}

// TestExportGridRefusesHugePictures: a grid too large to compose is refused
// in one line (ResNet-50 at the default zoom: 266 megapixels, 1 GB of
// picture plus as much again of sheets).
func TestExportGridRefusesHugePictures(t *testing.T) {
	h := newHarness(t, wideModel(t))
	v := h.View()
	v.Tile = MaxTile
	h.SetView(v)
	h.Open("a", "", loaderOf(testImage(12, 12, 1)))
	h.settle()
	f := h.last()
	if px := GridPixels(f); px <= 0 {
		t.Fatalf("GridPixels = %d", px)
	}
	var err error
	h.ExportGrid(filepath.Join(t.TempDir(), "g.png"), f, func(_ []string, e error) { err = e })
	h.settle()
	if GridPixels(f) > GridMaxPixels {
		t.Fatalf("the test grid is already too big: %d", GridPixels(f))
	}
	if err != nil {
		t.Fatalf("a small grid: %v", err)
	}
	defer func(l int) { gridLimit = l }(gridLimit)
	gridLimit = GridPixels(f) - 1
	p := filepath.Join(t.TempDir(), "big.png")
	h.ExportGrid(p, f, func(_ []string, e error) { err = e })
	h.settle()
	if err == nil || !strings.Contains(err.Error(), "one PNG per layer") {
		t.Errorf("a grid over the limit: %v", err)
	}
	if _, statErr := os.Stat(p); statErr == nil {
		t.Error("a refused grid was written")
	}
}
