package render

import (
	"image"
	"math"

	"github.com/convscope/convscope/internal/colormap"
)

// Histogram draws counts as bars filling dst, bin i spanning columns
// [i·W/n, (i+1)·W/n), each bar coloured by the colormap entry of its bin's
// centre (cmap nil means viridis) so the bars share the tiles' colours in
// MinMax mode. Bar height is count/max·H, or log(1+count)/log(1+max)·H when
// log is set (ReLU maps are mostly zeros, which flattens a linear plot).
// A non-zero bin is at least one pixel tall.
func Histogram(dst *image.RGBA, counts []int, cmap *colormap.Map, log bool) {
	if cmap == nil {
		cmap = colormap.MustByName(colormap.Default)
	}
	b := dst.Bounds()
	fillRect(dst, b, DefaultBackground)
	n := len(counts)
	if n == 0 || b.Empty() {
		return
	}
	top := 0
	for _, c := range counts {
		top = max(top, c)
	}
	if top == 0 {
		return
	}
	f := func(c int) float64 { return float64(c) / float64(top) }
	if log {
		f = func(c int) float64 { return math.Log1p(float64(c)) / math.Log1p(float64(top)) }
	}
	lut := cmap.LUT()
	W, H := b.Dx(), b.Dy()
	for i, c := range counts {
		if c <= 0 {
			continue
		}
		x0, x1 := b.Min.X+i*W/n, b.Min.X+(i+1)*W/n
		x1 = max(x1, x0+1)
		h := max(1, int(math.Round(f(c)*float64(H))))
		col := rgba(lut[(2*i+1)*128/n])
		fillRect(dst, image.Rect(x0, b.Max.Y-h, x1, b.Max.Y), col)
	}
}
