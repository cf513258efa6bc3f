package session

import (
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
	s.call(func() {
		err := SavePNG(path, GridImage(f))
		s.post(func() { done([]string{path}, err) })
	})
}

// ExportSheets writes one PNG per layer into dir off the UI goroutine.
func (s *Session) ExportSheets(dir string, f *Frame, done func([]string, error)) {
	s.call(func() {
		paths, err := ExportSheets(dir, f)
		s.post(func() { done(paths, err) })
	})
}

// ExportActivations writes one .npy per layer into dir off the UI
// goroutine.
func (s *Session) ExportActivations(dir string, f *Frame, done func([]string, error)) {
	s.call(func() {
		paths, err := ExportActivations(dir, f)
		s.post(func() { done(paths, err) })
	})
}

// ExportHistory writes h as CSV (WriteCSV) off the UI goroutine.
func (s *Session) ExportHistory(path string, h *History, done func([]string, error)) {
	s.call(func() {
		err := WriteCSV(path, h)
		s.post(func() { done([]string{path}, err) })
	})
}
