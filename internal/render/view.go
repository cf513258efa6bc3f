package render

import "github.com/convscope/convscope/internal/colormap"

// View is how a layer's channel maps are drawn: the settings the app's
// toolbar changes and the command line's activations flags set.
type View struct {
	// Colormap is a colormap name (colormap.Names).
	Colormap string
	// Scale is the value → colour scaling.
	Scale ScaleMode
	// Cols is the largest number of tiles per row (the tutorial's 16).
	Cols int
	// Tile is the wanted tile edge in pixels; TileScale rounds it so that
	// maps are scaled by whole factors (0 keeps each map's own size).
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
	return View{Colormap: colormap.Default, Scale: Standardize, Cols: 16, Tile: DefaultTile}
}

// Map returns the view's colormap (the default one for an unknown name).
func (v View) Map() *colormap.Map {
	if m, err := colormap.ByName(v.Colormap); err == nil {
		return m
	}
	return colormap.MustByName(colormap.Default)
}

// SheetOptions returns the options that draw an h×w×c layer in view v.
func (v View) SheetOptions(h, w, c int) SheetOptions {
	o := DefaultSheetOptions()
	if m, err := colormap.ByName(v.Colormap); err == nil {
		o.Map = m
	}
	o.Mode = v.Scale
	o.TileSize = v.Tile
	o.Cols = max(1, v.Cols)
	if v.Width > 0 {
		l := NewSheetLayout(h, w, c, o)
		fit := (v.Width - l.Gap) / (l.TileW + l.Gap)
		o.Cols = max(1, min(o.Cols, fit))
	}
	return o
}

// Render composes an h×w×c activation (HWC order) into a sheet in view v,
// reusing dst's buffers when dst is non-nil.
func (v View) Render(dst *Sheet, act []float32, h, w, c int) *Sheet {
	return LayerSheet(dst, act, h, w, c, v.SheetOptions(h, w, c))
}
