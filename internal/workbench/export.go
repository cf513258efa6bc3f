package workbench

import (
	"fmt"
	"image"
	"io"
	"path/filepath"

	"github.com/convscope/convscope/internal/atomicfile"
	"github.com/convscope/convscope/internal/npy"
	"github.com/convscope/convscope/internal/render"
)

// WriteFileAtomic writes a file through fn into a temporary file in the
// same folder, syncs it and renames it over path, so path is either
// untouched or complete.
func WriteFileAtomic(path string, fn func(io.Writer) error) error {
	return atomicfile.Write(path, fn)
}

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
		if err := SavePNG(p, RenderSheet(l.Act, v).Image); err != nil {
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
