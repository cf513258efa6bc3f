package render

import (
	"fmt"
	"image"

	"github.com/convscope/convscope/internal/colormap"
)

// RenderChannel draws channel ch of act (h·w·c values, NHWC, one sample)
// into all of dst.Bounds() with nearest-neighbour sampling at pixel centres,
// so a bounds of k·w × k·h gives crisp k×k blocks. stats must have been
// computed for act (LayerStats.Compute); mode and cmap choose the colours.
// It does not allocate. It panics if the shapes disagree.
func RenderChannel(dst *image.RGBA, act []float32, h, w, c, ch int, mode ScaleMode, cmap *colormap.Map, stats *LayerStats) {
	if len(act) != h*w*c || ch < 0 || ch >= c || stats.C != c || stats.H != h || stats.W != w {
		panic(fmt.Sprintf("render: channel %d of %d values, stats for (%d, %d, %d), does not fit shape (%d, %d, %d)",
			ch, len(act), stats.H, stats.W, stats.C, h, w, c))
	}
	b := dst.Bounds()
	tw, th := b.Dx(), b.Dy()
	tr := NewTransfer(mode, stats, ch)
	lut := cmap.LUT()
	for ty := 0; ty < th; ty++ {
		o := dst.PixOffset(b.Min.X, b.Min.Y+ty)
		if ty > 0 && srcIndex(ty, th, h) == srcIndex(ty-1, th, h) {
			copy(dst.Pix[o:o+4*tw], dst.Pix[o-dst.Stride:])
			continue
		}
		src := act[srcIndex(ty, th, h)*w*c+ch:]
		row := dst.Pix[o : o+4*tw]
		for tx := 0; tx < tw; tx++ {
			*(*[4]uint8)(row[4*tx:]) = lut[tr.Index(src[srcIndex(tx, tw, w)*c])]
		}
	}
}

// painter renders the tiles of channels [c0, c1) of one layer onto a sheet.
type painter struct {
	pix     []uint8
	stride  int
	act     []float32
	w, c    int
	tw, th  int
	origins []int   // Pix offset of each channel's tile
	rowmap  []int32 // tile row → map row
	colmap  []int32 // tile column → offset of the map pixel, (x·c)
	tr      []Transfer
	lut     *[256][4]uint8
}

// paint renders channels [c0, c1): for every tile row it walks the map row
// once, pixel by pixel, and each pixel's channels in order, so activation
// reads are sequential while each tile is written left to right. Tile rows
// that show the same map row as the row above are copied.
func (p *painter) paint(c0, c1 int) {
	tr := p.tr[c0:c1]
	org := p.origins[c0:c1]
	org = org[:len(tr)]
	pix, lut, stride := p.pix, p.lut, p.stride
	act, colmap, rowmap := p.act, p.colmap, p.rowmap
	rowLen := p.w * p.c
	tw4 := 4 * p.tw
	for ty := 0; ty < p.th; ty++ {
		off := ty * stride
		if ty > 0 && rowmap[ty] == rowmap[ty-1] {
			for _, o := range org {
				o += off
				copy(pix[o:o+tw4], pix[o-stride:])
			}
			continue
		}
		src := act[int(rowmap[ty])*rowLen:]
		for tx, sx := range colmap {
			px := src[int(sx)+c0 : int(sx)+c1]
			px = px[:len(tr)]
			o0 := off + 4*tx
			for j, x := range px {
				t := tr[j]
				// Transfer.Index, inlined; no branch on the clamp: ReLU maps
				// are half zeros, which sit right on it in MinMax mode.
				v := (x-t.M)*t.A + t.B
				if v != v {
					v = 0
				}
				i := max(int32(min(v, 255)), 0)
				o := org[j] + o0
				*(*[4]uint8)(pix[o : o+4]) = lut[uint8(i)]
			}
		}
	}
}
