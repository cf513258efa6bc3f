package session

import (
	"github.com/convscope/convscope/internal/render"
)

// BandHeight is the most pixels one band of a layer's sheet is tall: a
// layer of 2048 channels is drawn as many bands (each a texture well
// under GPU limits), and only the bands on screen are drawn.
const BandHeight = 480

// Band is a run of one layer's channels, [C0, C1), drawn as one image:
// a few whole rows of the layer's sheet.
type Band struct {
	// Layer is the index in Frame.Layers.
	Layer  int
	C0, C1 int
}

// Bands splits layer i of f into bands of whole tile rows in f's view,
// each at most BandHeight pixels tall (at least one row).
func (f *Frame) Bands(i int) []Band {
	l := f.Layers[i]
	h, w, c := l.Shape[0], l.Shape[1], l.Shape[2]
	o := f.View.SheetOptions(h, w, c)
	lay := render.NewSheetLayout(h, w, c, o)
	cell := lay.TileH + lay.LabelH + lay.Gap
	rows := max(1, (BandHeight-lay.Gap)/max(1, cell))
	per := rows * lay.Cols
	bands := make([]Band, 0, (c+per-1)/per)
	for c0 := 0; c0 < c; c0 += per {
		bands = append(bands, Band{Layer: i, C0: c0, C1: min(c, c0+per)})
	}
	return bands
}

// BandSize returns the pixel size of band b's image without drawing it.
func (f *Frame) BandSize(b Band) (w, h int) {
	lay := f.bandLayout(b)
	return lay.Width, lay.Height
}

func (f *Frame) bandOptions(b Band) render.SheetOptions {
	l := f.Layers[b.Layer]
	o := f.View.SheetOptions(l.Shape[0], l.Shape[1], l.Shape[2])
	o.FirstChannel = b.C0
	o.LayerRange.Min, o.LayerRange.Max = l.Min, l.Max
	o.Workers = 1
	return o
}

func (f *Frame) bandLayout(b Band) render.SheetLayout {
	l := f.Layers[b.Layer]
	return render.NewSheetLayout(l.Shape[0], l.Shape[1], b.C1-b.C0, f.bandOptions(b))
}

// RenderBand draws band b of frame f on the worker and hands the sheet
// to done on the UI goroutine. It does nothing if f is no longer the
// frame on screen (its activations are gone; the next frame is coming)
// or b is not one of its bands.
func (s *Session) RenderBand(f *Frame, b Band, done func(*Sheet)) {
	s.slot.put(request{calls: []func(*worker){func(w *worker) {
		if w.frame != f || b.Layer < 0 || b.Layer >= len(f.Layers) {
			return
		}
		l := f.Layers[b.Layer]
		h, wd, c := l.Shape[0], l.Shape[1], l.Shape[2]
		if b.C0 < 0 || b.C1 > c || b.C0 >= b.C1 {
			return
		}
		s.opts.OnWork("render")
		if s.opts.OnRenderBand != nil {
			s.opts.OnRenderBand(b)
		}
		n := b.C1 - b.C0
		act := l.Act.Data
		if n != c {
			w.band = resizeFloats(w.band, h*wd*n)
			for p := range h * wd {
				copy(w.band[p*n:(p+1)*n], act[p*c+b.C0:p*c+b.C1])
			}
			act = w.band
		}
		sheet := render.LayerSheet(nil, act, h, wd, n, f.bandOptions(b))
		s.post(func() { done(sheet) })
	}}})
}

func resizeFloats(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}
