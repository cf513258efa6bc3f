package session

import (
	"errors"
	"fmt"
	"image"
	"path/filepath"

	"github.com/convscope/convscope/internal/atomicfile"
	"github.com/convscope/convscope/internal/npy"
	"github.com/convscope/convscope/internal/render"
)

// WriteCSV writes h to path atomically, as Keras' CSVLogger does.
func WriteCSV(path string, h *History) error { return atomicfile.Write(path, h.WriteCSV) }

// SavePNG writes img to path atomically.
func SavePNG(path string, img image.Image) error { return render.WritePNG(path, img) }

// GridImage renders the frame's layers into one picture, each under a
// header line, in the frame's colormap and scale with its tiles per row.
func GridImage(f *Frame) *image.RGBA {
	layers := make([]render.LayerData, len(f.Layers))
	for i, l := range f.Layers {
		layers[i] = render.LayerData{Name: l.Name, Type: l.Kind, H: l.Shape[0], W: l.Shape[1], C: l.Shape[2], Act: l.Act.Data}
	}
	v := f.View
	v.Width = 0
	return render.AllLayersSheet(layers, v.SheetOptions(0, 0, 0))
}

// GridMaxPixels bounds the picture ExportGrid composes (it holds the
// picture and every layer's sheet at once: 4 bytes a pixel, twice).
const GridMaxPixels = 48 << 20

var gridLimit = GridMaxPixels // tests lower it

// GridPixels returns the pixel count of GridImage(f) without drawing it
// (the sheets; headers add little).
func GridPixels(f *Frame) int {
	v := f.View
	v.Width = 0
	o := v.SheetOptions(0, 0, 0)
	px := 0
	for _, l := range f.Layers {
		lay := render.NewSheetLayout(l.Shape[0], l.Shape[1], l.Shape[2], o)
		px += lay.Width * lay.Height
	}
	return px
}

// ExportSheets writes one PNG per layer into dir, named after the layer
// (conv2d_1.png, …), in the frame's view with its full number of tiles per
// row, and returns the paths.
func ExportSheets(dir string, f *Frame) ([]string, error) {
	var paths []string
	v := f.View
	v.Width = 0
	for _, l := range f.Layers {
		p := filepath.Join(dir, l.Name+".png")
		if err := SavePNG(p, v.Render(nil, l.Act.Data, l.Shape[0], l.Shape[1], l.Shape[2]).Image); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// ExportActivations writes each map layer's activation as a float32 .npy
// file of shape (1, H, W, C) into dir (conv2d_1.npy, …), as Keras'
// activation model would predict it, and returns the paths.
func ExportActivations(dir string, f *Frame) ([]string, error) {
	var paths []string
	for _, l := range f.Layers {
		p := filepath.Join(dir, l.Name+".npy")
		if err := npy.WriteFile(p, l.Act.Shape, l.Act.Data); err != nil {
			return paths, fmt.Errorf("%s: %w", p, err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// ExportGrid writes the frame's layers as one PNG (GridImage) off the UI
// goroutine and calls done on the UI goroutine.
func (s *Session) ExportGrid(path string, f *Frame, done func([]string, error)) {
	s.withActs(f, func() ([]string, error) {
		if px := GridPixels(f); px > gridLimit {
			return nil, fmt.Errorf("the whole grid would be a picture of %.1f megapixels (at most %.1f): export one PNG per layer instead, or zoom out", float64(px)/(1<<20), float64(gridLimit)/(1<<20))
		}
		return []string{path}, SavePNG(path, GridImage(f))
	}, done)
}

// ExportSheets writes one PNG per layer into dir off the UI goroutine.
func (s *Session) ExportSheets(dir string, f *Frame, done func([]string, error)) {
	s.withActs(f, func() ([]string, error) { return ExportSheets(dir, f) }, done)
}

// ExportActivations writes one .npy per layer into dir off the UI
// goroutine.
func (s *Session) ExportActivations(dir string, f *Frame, done func([]string, error)) {
	s.withActs(f, func() ([]string, error) { return ExportActivations(dir, f) }, done)
}

// withActs runs fn on the worker, which owns the activations of frame f,
// and hands its result to done on the UI goroutine; if the activations
// were replaced since (a new image or weights), done gets an error.
func (s *Session) withActs(f *Frame, fn func() ([]string, error), done func([]string, error)) {
	s.slot.put(request{calls: []func(*worker){func(w *worker) {
		var paths []string
		err := errors.New("the image or the weights changed since this frame: export again")
		if len(w.maps) == len(f.Layers) && (len(f.Layers) == 0 || w.maps[0] == f.Layers[0]) {
			paths, err = fn()
		}
		s.post(func() { done(paths, err) })
	}}})
}

// ExportHistory writes h as CSV (WriteCSV) off the UI goroutine.
func (s *Session) ExportHistory(path string, h *History, done func([]string, error)) {
	s.call(func() {
		err := WriteCSV(path, h)
		s.post(func() { done([]string{path}, err) })
	})
}
