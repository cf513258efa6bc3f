package render

import (
	"fmt"
	"math"

	"github.com/convscope/convscope/internal/colormap"
)

// KernelSheet draws convolution weights w, stored as Keras stores a Conv2D
// kernel: shape (kh, kw, cin, cout), w[((y·kw+x)·cin+i)·cout+f].
//
//   - cin = 3 and filter < 0 (a first layer looking at RGB): one tile per
//     output filter showing its three input slices as the R, G and B of a
//     kh×kw picture, min–max normalised over the filter's own 3·kh·kw
//     weights (a constant filter is grey).
//   - otherwise: the cin input slices of output filter `filter`, one kh×kw
//     tile each, coloured by o.Map (nil means the diverging coolwarm) over
//     a range symmetric about zero, ±max|w| of the whole filter, so the
//     middle colour is 0 and slices compare with each other.
//
// Tiles are laid out as by LayerSheet (o.Cols, o.TileSize, o.Gap, o.Labels:
// the label is the filter or input-channel index); dst.Stats is cleared.
// dst may be nil; its image is reused when the size matches. It panics if
// len(w) ≠ kh·kw·cin·cout or filter ≥ cout.
func KernelSheet(dst *Sheet, w []float32, kh, kw, cin, cout, filter int, o SheetOptions) *Sheet {
	if kh <= 0 || kw <= 0 || cin <= 0 || cout <= 0 || len(w) != kh*kw*cin*cout || filter >= cout || (filter < 0 && cin != 3) {
		panic(fmt.Sprintf("render: kernel of %d weights, filter %d, does not fit shape (%d, %d, %d, %d)", len(w), filter, kh, kw, cin, cout))
	}
	if o.Map == nil {
		o.Map = colormap.MustByName("coolwarm")
	}
	o = o.withDefaults()
	if dst == nil {
		dst = &Sheet{}
	}
	rgb := filter < 0
	n := cin
	if rgb {
		n = cout
	}
	dst.Stats = LayerStats{}
	dst.prepare(NewSheetLayout(kh, kw, n, o), o.Background)
	l := &dst.Layout
	at := func(y, x, i, f int) float32 { return w[((y*kw+x)*cin+i)*cout+f] }
	var pix [4]uint8
	pix[3] = 255
	for t := range n {
		r := l.Tile(t)
		var lo, hi float32 = float32(math.Inf(1)), float32(math.Inf(-1))
		for y := range kh {
			for x := range kw {
				for i := range cin {
					f := filter
					if rgb {
						f = t
					}
					v := at(y, x, i, f)
					lo, hi = min(lo, v), max(hi, v)
				}
			}
		}
		m := max(-lo, hi)
		for ty := range l.TileH {
			y := srcIndex(ty, l.TileH, kh)
			for tx := range l.TileW {
				x := srcIndex(tx, l.TileW, kw)
				if rgb {
					for k := range 3 {
						pix[k] = 128
						if hi > lo {
							pix[k] = uint8(math.Round(float64(at(y, x, k, t)-lo) / float64(hi-lo) * 255))
						}
					}
				} else {
					tt := 0.5
					if m > 0 {
						tt = 0.5 + 0.5*float64(at(y, x, t, filter))/float64(m)
					}
					pix = o.Map.LUT()[colormap.ToIndex(tt)]
				}
				*(*[4]uint8)(dst.Image.Pix[dst.Image.PixOffset(r.Min.X+tx, r.Min.Y+ty):]) = pix
			}
		}
		if l.LabelH > 0 {
			drawLabel(dst.Image, r.Min.X, r.Max.Y, []byte(fmt.Sprint(t)), labelSrc)
		}
	}
	return dst
}
