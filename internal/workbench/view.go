package workbench

import (
	"github.com/convscope/convscope/internal/colormap"
	"github.com/convscope/convscope/internal/render"
	"github.com/convscope/convscope/nn"
)

// View is how the grid is drawn.
type View struct {
	// Colormap is a colormap name (colormap.Names).
	Colormap string
	// Scale is the value → colour scaling.
	Scale render.ScaleMode
	// Cols is the largest number of tiles per row (the tutorial's 16).
	Cols int
	// Tile is the wanted tile edge in pixels; render.TileScale rounds it
	// so that maps are scaled by whole factors.
	Tile int
	// Width is the room for a sheet in pixels (0: no limit): rows hold
	// fewer than Cols tiles when they would not fit.
	Width int
}

// Zoom limits and default, in pixels per tile edge.
const (
	MinTile     = 16
	MaxTile     = 320
	DefaultTile = 56
)

// DefaultView is the tutorial's view: viridis, per-channel
// standardisation, 16 tiles per row.
func DefaultView() View {
	return View{Colormap: colormap.Default, Scale: render.Standardize, Cols: 16, Tile: DefaultTile}
}

// Sheet is a rendered layer (see render.Sheet).
type Sheet = render.Sheet

// sheetOptions returns the render options for an h×w×c layer in view v.
func (v View) sheetOptions(h, w, c int) render.SheetOptions {
	o := render.DefaultSheetOptions()
	if m, err := colormap.ByName(v.Colormap); err == nil {
		o.Map = m
	}
	o.Mode = v.Scale
	o.TileSize = v.Tile
	o.Cols = max(1, v.Cols)
	if v.Width > 0 {
		l := render.NewSheetLayout(h, w, c, o)
		fit := (v.Width - l.Gap) / (l.TileW + l.Gap)
		o.Cols = max(1, min(o.Cols, fit))
	}
	return o
}

// RenderSheet composes a layer activation of shape (1, H, W, C) into a
// new sheet for view v.
func RenderSheet(act *nn.Tensor, v View) *Sheet { return renderInto(nil, act, v) }

// renderInto is RenderSheet reusing dst's buffers when it is non-nil.
func renderInto(dst *Sheet, act *nn.Tensor, v View) *Sheet {
	h, w, c := act.Shape[1], act.Shape[2], act.Shape[3]
	return render.LayerSheet(dst, act.Data, h, w, c, v.sheetOptions(h, w, c))
}
