package exemplars

import (
	"encoding/csv"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
	"strconv"

	"github.com/convscope/convscope/internal/receptive"
)

// BoxColor outlines a receptive-field patch: an orange that stands out on
// photographs and on the viridis maps alike.
var BoxColor = color.RGBA{255, 140, 0, 255}

// DrawBox outlines b (in img's pixel coordinates, clipped to img) with a
// line `width` pixels thick, drawn inside the box.
func DrawBox(img *image.RGBA, b receptive.Box, width int, c color.Color) {
	r := image.Rect(b.X0, b.Y0, b.X1, b.Y1).Add(img.Rect.Min).Intersect(img.Rect)
	if r.Empty() {
		return
	}
	u := image.NewUniform(c)
	w := min(width, r.Dx(), r.Dy())
	for _, e := range []image.Rectangle{
		{r.Min, image.Pt(r.Max.X, r.Min.Y+w)}, {image.Pt(r.Min.X, r.Max.Y-w), r.Max},
		{r.Min, image.Pt(r.Min.X+w, r.Max.Y)}, {image.Pt(r.Max.X-w, r.Min.Y), r.Max},
	} {
		draw.Draw(img, e, u, image.Point{}, draw.Src)
	}
}

// SheetCols is the number of images per row of a contact sheet (3×3 for
// the top 9).
const SheetCols = 3

// ContactSheet draws a channel's exemplars, best first, SheetCols per row,
// each image as the network saw it (seen returns it by name; nil leaves a
// grey tile) with its patch box, gap pixels apart on a dark background.
func ContactSheet(entries []Entry, seen func(name string) *image.RGBA, h, w, gap int) *image.RGBA {
	rows := max(1, (len(entries)+SheetCols-1)/SheetCols)
	cols := min(max(len(entries), 1), SheetCols)
	out := image.NewRGBA(image.Rect(0, 0, cols*w+(cols+1)*gap, rows*h+(rows+1)*gap))
	draw.Draw(out, out.Rect, image.NewUniform(color.RGBA{30, 30, 30, 255}), image.Point{}, draw.Src)
	for i, e := range entries {
		x0, y0 := gap+(i%SheetCols)*(w+gap), gap+(i/SheetCols)*(h+gap)
		tile := out.SubImage(image.Rect(x0, y0, x0+w, y0+h)).(*image.RGBA)
		if img := seen(e.Image); img != nil {
			draw.Draw(tile, tile.Rect, img, img.Rect.Min, draw.Src)
		} else {
			draw.Draw(tile, tile.Rect, image.NewUniform(color.RGBA{90, 90, 90, 255}), image.Point{}, draw.Src)
		}
		DrawBox(tile, e.Patch, max(2, w/75), BoxColor)
	}
	return out
}

// WriteCSV writes a layer's exemplars as CSV: channel, rank (1 = best),
// image, value, y, x and the patch box (y0, x0, y1, x1, half-open, in
// network-input pixels).
func WriteCSV(w io.Writer, ly *Layer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"channel", "rank", "image", "value", "y", "x", "patch_y0", "patch_x0", "patch_y1", "patch_x1"})
	for ch, top := range ly.Top {
		for r, e := range top {
			cw.Write([]string{strconv.Itoa(ch), strconv.Itoa(r + 1), e.Image,
				strconv.FormatFloat(float64(e.Value), 'g', -1, 32), strconv.Itoa(e.Y), strconv.Itoa(e.X),
				strconv.Itoa(e.Patch.Y0), strconv.Itoa(e.Patch.X0), strconv.Itoa(e.Patch.Y1), strconv.Itoa(e.Patch.X1)})
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("exemplars: writing CSV: %w", err)
	}
	return nil
}
