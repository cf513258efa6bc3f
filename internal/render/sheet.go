package render

import (
	"image"
	"image/color"
	"runtime"
	"strconv"
	"sync"
)

// Sheet is one layer composed into a single image: a grid of channel tiles.
// Keep a Sheet and pass it to LayerSheet again to reuse its buffers.
type Sheet struct {
	Image  *image.RGBA
	Layout SheetLayout
	Stats  LayerStats // statistics of the activations last rendered

	p      painter
	bg     color.RGBA
	filled bool // Image holds the background for Layout and bg
	label  []byte
	first  int // SheetOptions.FirstChannel
}

// Mark colours: hatching and label colour of dead and constant channels.
var (
	DeadColor     = color.RGBA{235, 64, 52, 255}
	ConstantColor = color.RGBA{245, 170, 40, 255}
	LabelColor    = color.RGBA{170, 170, 175, 255}
)

// hatch is the spacing and width of the diagonal stripes marking a dead or
// constant channel.
const hatchPeriod, hatchWidth = 6, 2

// LayerSheet renders every channel of act (h·w·c values, NHWC, one sample)
// into one image laid out by NewSheetLayout(h, w, c, o), computing the
// layer's statistics on the way (dst.Stats). Dead channels (all zero) are
// hatched red and labelled "dead"; other constant channels are hatched amber.
//
// dst may be nil; otherwise its buffers are reused, and a repeated render of
// the same shape with Workers = 1 does not allocate (other worker counts
// allocate only the goroutines). It returns dst (or the new Sheet).
// It panics if len(act) != h·w·c.
func LayerSheet(dst *Sheet, act []float32, h, w, c int, o SheetOptions) *Sheet {
	o = o.withDefaults()
	if dst == nil {
		dst = &Sheet{}
	}
	s := dst
	s.Stats.begin(act, h, w, c)
	s.prepare(NewSheetLayout(h, w, c, o), o.Background)
	s.setupPainter(act, o)

	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, c, len(act)/32768))
	if workers == 1 {
		s.statsRange(0, c)
	} else {
		parallel(workers, c, s.statsRange)
	}
	s.Stats.combine()
	if r := o.LayerRange; r.Max > r.Min && o.Mode == Layer {
		s.Stats.Min, s.Stats.Max = r.Min, r.Max
	}
	s.first = o.FirstChannel
	for ch := range c {
		s.p.tr[ch] = NewTransfer(o.Mode, &s.Stats, ch)
	}
	if workers == 1 {
		s.paintRange(0, c)
	} else {
		parallel(workers, c, s.paintRange)
	}
	if s.Layout.LabelH > 0 {
		s.drawLabels()
	}
	return s
}

// prepare sizes s.Image for layout l, reusing its memory when it is large
// enough, and paints the background: everywhere when the layout or colour
// changed, otherwise only the label strips (tiles are overwritten anyway).
func (s *Sheet) prepare(l SheetLayout, bg color.RGBA) {
	if l != s.Layout || s.Image == nil || bg != s.bg {
		s.filled = false
	}
	s.Layout, s.bg = l, bg
	if s.Image == nil || s.Image.Rect != l.Bounds() {
		if s.Image != nil && cap(s.Image.Pix) >= 4*l.Width*l.Height {
			s.Image = &image.RGBA{Pix: s.Image.Pix[:4*l.Width*l.Height], Stride: 4 * l.Width, Rect: l.Bounds()}
		} else {
			s.Image = image.NewRGBA(l.Bounds())
		}
	}
	if !s.filled {
		fillRect(s.Image, s.Image.Rect, s.bg)
		s.filled = true
	} else if l.LabelH > 0 {
		for ch := range l.C {
			t := l.Tile(ch)
			fillRect(s.Image, image.Rect(t.Min.X, t.Max.Y, t.Max.X+l.Gap, t.Max.Y+l.LabelH), s.bg)
		}
	}
}

func (s *Sheet) statsRange(c0, c1 int) {
	s.Stats.accumulate(s.p.act, c0, c1)
	s.Stats.finish(c0, c1)
}

func (s *Sheet) paintRange(c0, c1 int) {
	s.p.paint(c0, c1)
	s.markTiles(c0, c1)
}

// setupPainter sizes the painter's tables for the current layout.
func (s *Sheet) setupPainter(act []float32, o SheetOptions) {
	l := &s.Layout
	p := &s.p
	p.pix, p.stride, p.act = s.Image.Pix, s.Image.Stride, act
	p.w, p.c, p.tw, p.th = l.W, l.C, l.TileW, l.TileH
	p.lut = o.Map.LUT()
	p.origins = resize(p.origins, l.C)
	p.tr = resize(p.tr, l.C)
	for ch := range p.origins {
		t := l.Tile(ch)
		p.origins[ch] = s.Image.PixOffset(t.Min.X, t.Min.Y)
	}
	p.rowmap = resize(p.rowmap, l.TileH)
	for ty := range p.rowmap {
		p.rowmap[ty] = int32(srcIndex(ty, l.TileH, l.H))
	}
	p.colmap = resize(p.colmap, l.TileW)
	for tx := range p.colmap {
		p.colmap[tx] = int32(srcIndex(tx, l.TileW, l.W) * l.C)
	}
}

// markTiles hatches the tiles of dead and constant channels in [c0, c1).
func (s *Sheet) markTiles(c0, c1 int) {
	for ch := c0; ch < c1; ch++ {
		cs := &s.Stats.Channels[ch]
		if !cs.Constant {
			continue
		}
		col := ConstantColor
		if cs.Dead {
			col = DeadColor
		}
		Hatch(s.Image, s.Layout.Tile(ch), col)
	}
}

// Hatch draws diagonal stripes of col over r ∩ dst.Bounds(): pixels with
// (x − y) mod 6 < 2, in r's coordinates. This is the dead/constant mark.
func Hatch(dst *image.RGBA, r image.Rectangle, col color.RGBA) {
	r = r.Intersect(dst.Bounds())
	c := [4]uint8{col.R, col.G, col.B, col.A}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		o := dst.PixOffset(r.Min.X, y)
		for x := 0; x < r.Dx(); x++ {
			if (x-(y-r.Min.Y)+hatchPeriod*1024)%hatchPeriod < hatchWidth {
				*(*[4]uint8)(dst.Pix[o+4*x:]) = c
			}
		}
	}
}

// drawLabels writes each channel's index (and "dead"/"const" when it fits)
// under its tile.
func (s *Sheet) drawLabels() {
	l := &s.Layout
	if s.label == nil {
		s.label = make([]byte, 0, 32)
	}
	for ch := range l.C {
		cs := &s.Stats.Channels[ch]
		t := l.Tile(ch)
		b := strconv.AppendInt(s.label[:0], int64(s.first+ch), 10)
		src := labelSrc
		if cs.Constant {
			src = constSrc
			word := " const"
			if cs.Dead {
				src, word = deadSrc, " dead"
			}
			if labelW*(len(b)+len(word)) <= l.TileW {
				b = append(b, word...)
			}
		}
		drawLabel(s.Image, t.Min.X, t.Max.Y, b, src)
	}
}

// parallel runs fn over [0, n) split into workers contiguous ranges.
func parallel(workers, n int, fn func(c0, c1 int)) {
	if workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	wg.Add(workers)
	for i := range workers {
		c0, c1 := i*n/workers, (i+1)*n/workers
		go func() {
			defer wg.Done()
			fn(c0, c1)
		}()
	}
	wg.Wait()
}

// fillRect sets every pixel of r ∩ dst.Bounds() to col.
func fillRect(dst *image.RGBA, r image.Rectangle, col color.RGBA) {
	r = r.Intersect(dst.Bounds())
	if r.Empty() {
		return
	}
	c := [4]uint8{col.R, col.G, col.B, col.A}
	o := dst.PixOffset(r.Min.X, r.Min.Y)
	row := dst.Pix[o : o+4*r.Dx()]
	for x := 0; x < len(row); x += 4 {
		*(*[4]uint8)(row[x:]) = c
	}
	for y := r.Min.Y + 1; y < r.Max.Y; y++ {
		o += dst.Stride
		copy(dst.Pix[o:o+len(row)], row)
	}
}

// resize returns s with length n, reallocating only when it is too small.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
