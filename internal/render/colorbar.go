package render

import (
	"image"
	"image/color"
	"strconv"

	"github.com/convscope/convscope/internal/colormap"
)

// TickColor is the colour of colour-bar ticks.
var TickColor = color.RGBA{200, 200, 205, 255}

// ColorBarTicks returns the labels of the five ticks a colour bar shows at
// 0, ¼, ½, ¾ and all of its length, i.e. what colormap indices 0, 64, 128,
// 192 and 255 mean in the given mode:
//
//   - Standardize: −2σ, −1σ, μ, +1σ, +2σ around the channel's mean μ;
//   - MinMax: 0, 0.25, 0.5, 0.75, 1 of the channel's own [min, max];
//   - Layer: the values lo + f·(hi − lo), the layer's actual range.
//
// lo and hi are used by Layer only.
func ColorBarTicks(mode ScaleMode, lo, hi float64) [5]string {
	switch mode {
	case MinMax:
		return [5]string{"0", "0.25", "0.5", "0.75", "1"}
	case Layer:
		var t [5]string
		for i := range t {
			v := lo + float64(i)/4*(hi-lo)
			t[i] = strconv.FormatFloat(v, 'g', 3, 64)
			if v < 0 {
				t[i] = "−" + t[i][1:] // a real minus sign
			}
		}
		return t
	default:
		return [5]string{"−2σ", "−1σ", "μ", "+1σ", "+2σ"}
	}
}

// ColorBar draws a colour bar for cmap into dst with tick labels saying what
// the colours mean (ColorBarTicks). It is horizontal (low on the left) when
// dst is at least as wide as tall, vertical (low at the bottom) otherwise.
// Position p of a bar L pixels long shows table entry round(p·255/(L−1)), so
// both ends show the table's ends.
func ColorBar(dst *image.RGBA, cmap *colormap.Map, mode ScaleMode, lo, hi float64) {
	if cmap == nil {
		cmap = colormap.MustByName(colormap.Default)
	}
	b := dst.Bounds()
	fillRect(dst, b, DefaultBackground)
	ticks := ColorBarTicks(mode, lo, hi)
	lut := cmap.LUT()
	if b.Dx() >= b.Dy() {
		m := max(textWidth(ticks[0]), textWidth(ticks[4]))/2 + 2
		bar := image.Rect(b.Min.X+m, b.Min.Y+2, b.Max.X-m, b.Max.Y-textHeight-4)
		n := bar.Dx()
		for x := 0; x < n; x++ {
			fillRect(dst, image.Rect(bar.Min.X+x, bar.Min.Y, bar.Min.X+x+1, bar.Max.Y), rgba(lut[barIndex(x, n)]))
		}
		for i, t := range ticks {
			x := bar.Min.X + min(i*n/4, n-1)
			fillRect(dst, image.Rect(x, bar.Max.Y, x+1, bar.Max.Y+3), TickColor)
			tx := min(max(x-textWidth(t)/2, b.Min.X), b.Max.X-textWidth(t))
			drawText(dst, tx, b.Max.Y-3, t, LabelColor)
		}
		return
	}
	bw := min(20, b.Dx()/3)
	bar := image.Rect(b.Min.X+2, b.Min.Y+textHeight/2, b.Min.X+2+bw, b.Max.Y-textHeight/2)
	n := bar.Dy()
	for y := 0; y < n; y++ {
		fillRect(dst, image.Rect(bar.Min.X, bar.Max.Y-1-y, bar.Max.X, bar.Max.Y-y), rgba(lut[barIndex(y, n)]))
	}
	for i, t := range ticks {
		y := bar.Max.Y - 1 - min(i*n/4, n-1)
		fillRect(dst, image.Rect(bar.Max.X, y, bar.Max.X+3, y+1), TickColor)
		drawText(dst, bar.Max.X+5, y+4, t, LabelColor)
	}
}

func rgba(c [4]uint8) color.RGBA { return color.RGBA{c[0], c[1], c[2], c[3]} }

// barIndex is the table entry at position p of a bar n pixels long.
func barIndex(p, n int) int {
	if n <= 1 {
		return 0
	}
	return (p*255 + (n-1)/2) / (n - 1)
}
