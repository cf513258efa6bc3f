package render

import (
	"image"
	"image/color"

	"github.com/convscope/convscope/internal/colormap"
)

// SheetOptions control how a layer is composed into one image.
type SheetOptions struct {
	Cols     int           // tiles per row; 0 means 16, as in the tutorial
	TileSize int           // wanted tile edge in pixels; 0 means the map's own size (see TileScale)
	Gap      int           // pixels between tiles and around the sheet
	Labels   bool          // draw each channel's index under its tile
	Mode     ScaleMode     // value → colour scaling
	Map      *colormap.Map // nil means viridis
	// Background fills gaps and label strips; the zero value means DefaultBackground.
	Background color.RGBA
	// Workers is the number of goroutines rendering channels; 0 means
	// GOMAXPROCS, 1 renders on the caller's goroutine without allocating.
	Workers int
	// FirstChannel is the index the first channel's label shows: a sheet
	// of channels c0…c1-1 of a layer (a band of a long layer) labels them
	// as in the whole layer.
	FirstChannel int
	// LayerRange, when Max > Min, is the [Min, Max] the Layer scale mode
	// uses instead of the sheet's own range (the whole layer's, for a band).
	LayerRange struct{ Min, Max float32 }
}

// DefaultBackground is the sheet's default gap colour: a dark grey.
var DefaultBackground = color.RGBA{30, 30, 32, 255}

// DefaultSheetOptions returns the tutorial's layout: 16 columns, maps at
// their own size, a 2-pixel gap, channel labels, standardised viridis.
func DefaultSheetOptions() SheetOptions {
	return SheetOptions{Cols: 16, Gap: 2, Labels: true, Mode: Standardize, Map: colormap.MustByName(colormap.Default)}
}

func (o SheetOptions) withDefaults() SheetOptions {
	if o.Cols <= 0 {
		o.Cols = 16
	}
	if o.Gap < 0 {
		o.Gap = 0
	}
	if o.Map == nil {
		o.Map = colormap.MustByName(colormap.Default)
	}
	if o.Background == (color.RGBA{}) {
		o.Background = DefaultBackground
	}
	return o
}

// TileScale returns the tile size for an h×w map and a wanted edge of size
// pixels, so that the map is scaled by a whole factor and stays crisp:
// up by k = size / max(h, w) when size ≥ max(h, w) (a 7×7 map at 96 pixels
// becomes 91×91 blocks of 13), otherwise down by d = ⌈max(h, w) / size⌉
// (a 148×148 map at 100 pixels becomes 74×74). size ≤ 0 keeps the map size.
func TileScale(h, w, size int) (th, tw int) {
	m := max(h, w)
	switch {
	case size <= 0 || size == m:
		return h, w
	case size > m:
		k := size / m
		return h * k, w * k
	default:
		d := (m + size - 1) / size
		return (h + d - 1) / d, (w + d - 1) / d
	}
}

// SheetLayout places the tiles of a layer's C channels on a sheet.
//
// Channel ch sits in column ch % Cols and row ch / Cols; its cell is the
// tile (TileW×TileH) with a label strip (LabelH) below it.
type SheetLayout struct {
	H, W, C       int // map shape
	Cols, Rows    int
	TileW, TileH  int
	Gap, LabelH   int
	Width, Height int // the whole sheet, origin (0, 0)
}

// labelFace is the font of channel labels (basicfont.Face7x13).
const labelW, labelH, labelAscent = 7, 13, 11

// NewSheetLayout lays out an h×w×c layer. Labels get a strip only if the
// largest channel index fits under a tile.
func NewSheetLayout(h, w, c int, o SheetOptions) SheetLayout {
	o = o.withDefaults()
	l := SheetLayout{H: h, W: w, C: c, Cols: min(o.Cols, c), Gap: o.Gap}
	l.Rows = (c + l.Cols - 1) / l.Cols
	l.TileH, l.TileW = TileScale(h, w, o.TileSize)
	if o.Labels && labelW*digits(o.FirstChannel+c-1) <= l.TileW+l.Gap {
		l.LabelH = labelH
	}
	l.Width = l.Gap + l.Cols*(l.TileW+l.Gap)
	l.Height = l.Gap + l.Rows*(l.TileH+l.LabelH+l.Gap)
	return l
}

// Tile returns the rectangle of channel ch's tile.
func (l *SheetLayout) Tile(ch int) image.Rectangle {
	x := l.Gap + (ch%l.Cols)*(l.TileW+l.Gap)
	y := l.Gap + (ch/l.Cols)*(l.TileH+l.LabelH+l.Gap)
	return image.Rect(x, y, x+l.TileW, y+l.TileH)
}

// Cell returns channel ch's tile together with its label strip.
func (l *SheetLayout) Cell(ch int) image.Rectangle {
	r := l.Tile(ch)
	r.Max.Y += l.LabelH
	return r
}

// Tiles returns every channel's tile rectangle, index = channel.
func (l *SheetLayout) Tiles() []image.Rectangle {
	r := make([]image.Rectangle, l.C)
	for ch := range r {
		r[ch] = l.Tile(ch)
	}
	return r
}

// Bounds returns the sheet's rectangle.
func (l *SheetLayout) Bounds() image.Rectangle { return image.Rect(0, 0, l.Width, l.Height) }

// ChannelAt returns the channel whose tile or label contains the sheet
// pixel (x, y), and false for gaps, empty cells and points outside.
func (l *SheetLayout) ChannelAt(x, y int) (int, bool) {
	x -= l.Gap
	y -= l.Gap
	cw, chh := l.TileW+l.Gap, l.TileH+l.LabelH+l.Gap
	if x < 0 || y < 0 || cw <= 0 || chh <= 0 || x%cw >= l.TileW || y%chh >= l.TileH+l.LabelH {
		return 0, false
	}
	col, row := x/cw, y/chh
	if col >= l.Cols {
		return 0, false
	}
	ch := row*l.Cols + col
	if ch >= l.C {
		return 0, false
	}
	return ch, true
}

// MapPixel converts a sheet pixel inside channel ch's tile to the
// activation coordinates (row, column) it shows.
func (l *SheetLayout) MapPixel(ch, x, y int) (row, col int, ok bool) {
	t := l.Tile(ch)
	if !(image.Point{x, y}).In(t) {
		return 0, 0, false
	}
	return srcIndex(y-t.Min.Y, l.TileH, l.H), srcIndex(x-t.Min.X, l.TileW, l.W), true
}

// srcIndex is nearest-neighbour sampling at pixel centres: the source index
// under destination pixel t of tn, for a source of n: ⌊(2t+1)·n / (2·tn)⌋.
// For a whole up-scale k it is t / k (exact blocks).
func srcIndex(t, tn, n int) int { return (2*t + 1) * n / (2 * tn) }

// digits returns the number of decimal digits of n ≥ 0.
func digits(n int) int {
	d := 1
	for ; n >= 10; n /= 10 {
		d++
	}
	return d
}
