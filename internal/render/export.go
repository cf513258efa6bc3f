package render

import (
	"fmt"
	"image"
	"image/png"
	"io"
	"strings"

	"github.com/convscope/convscope/internal/atomicfile"
)

// WritePNG encodes img as PNG to path atomically: it writes a temporary file
// in the same directory and renames it over path, so a viewer never sees a
// half-written file.
func WritePNG(path string, img image.Image) error {
	return atomicfile.Write(path, func(w io.Writer) error { return png.Encode(w, img) })
}

// WriteLayerPNG writes a layer's sheet to path as PNG (atomically).
func WriteLayerPNG(path string, s *Sheet) error { return WritePNG(path, s.Image) }

// LayerData is one layer's output for AllLayersSheet.
type LayerData struct {
	Name, Type string    // e.g. "conv2d_1", "Conv2D"
	H, W, C    int       // output shape without the batch
	Act        []float32 // one sample, NHWC, h·w·c values
}

// HeaderColor is the colour of the per-layer header lines of AllLayersSheet.
var HeaderColor = LabelColor

// headerH is the height of a layer's header line.
const headerH = textHeight + 6

// Header returns the text line AllLayersSheet writes above a layer, e.g.
// "conv2d_1   Conv2D   (148, 148, 32)   range [0, 2.5]   3 dead".
func Header(d LayerData, st *LayerStats) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s   %s   (%d, %d, %d)   range [%.3g, %.3g]", d.Name, d.Type, d.H, d.W, d.C, st.Min, st.Max)
	if st.Dead > 0 {
		fmt.Fprintf(&b, "   %d dead", st.Dead)
	}
	if k := st.Constant - st.Dead; k > 0 {
		fmt.Fprintf(&b, "   %d constant", k)
	}
	return b.String()
}

// AllLayersSheet stacks the sheets of several layers vertically into one
// image, each under a header line (Header). The image is as wide as the
// widest sheet or header.
func AllLayersSheet(layers []LayerData, o SheetOptions) *image.RGBA {
	o = o.withDefaults()
	sheets := make([]*Sheet, len(layers))
	heads := make([]string, len(layers))
	wd, ht := 0, 0
	for i, d := range layers {
		sheets[i] = LayerSheet(nil, d.Act, d.H, d.W, d.C, o)
		heads[i] = Header(d, &sheets[i].Stats)
		wd = max(wd, sheets[i].Layout.Width, textWidth(heads[i])+2*o.Gap+8)
		ht += headerH + sheets[i].Layout.Height
	}
	img := image.NewRGBA(image.Rect(0, 0, wd, ht))
	fillRect(img, img.Rect, o.Background)
	y := 0
	for i, s := range sheets {
		drawText(img, o.Gap+4, y+headerH-5, heads[i], HeaderColor)
		y += headerH
		r := s.Image.Rect.Add(image.Pt(0, y))
		for row := 0; row < r.Dy(); row++ {
			copy(img.Pix[img.PixOffset(0, y+row):], s.Image.Pix[row*s.Image.Stride:(row+1)*s.Image.Stride])
		}
		y += r.Dy()
	}
	return img
}

// WriteAllLayersPNG renders AllLayersSheet(layers, o) and writes it to path (atomically).
func WriteAllLayersPNG(path string, layers []LayerData, o SheetOptions) error {
	return WritePNG(path, AllLayersSheet(layers, o))
}
