package app

import (
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/session"
)

// grid is the Activations page: for each layer with a spatial output, a
// header and its channels as tiles. It is virtualised: a widget.List of
// rows (a layer's header, then its bands of a few tile rows each), so
// only the rows on screen exist as canvas objects, and a band's image is
// drawn by the session when its row first shows (cached, LRU-bounded by
// bytes). ResNet-50's 170 layers and 2048-channel maps cost what is on
// screen.
type grid struct {
	u      *UI
	list   *widget.List
	page   *fyne.Container
	empty  *widget.Label
	filter *widget.RadioGroup
	width  int // sheet width last sent to the session

	frame    *session.Frame
	items    []gridItem
	header   map[int]int // frame layer → its header row
	convOnly bool
	cache    *sheetCache
	shown    map[widget.ListItemID]*gridRow // the row object last given each row
	hover    hoverState                     // hover.go: the cell the pointer links

	cmap  *tipSelect
	scale *tipSelect
	zoom  *tipSlider
	zoomL *widget.Label
	sync  bool // controls are being set programmatically
}

// gridItem is one row of the list: a layer's header, or one band of it.
type gridItem struct {
	header bool
	band   session.Band
	h      float32
}

// Filter choices.
const (
	filterAll  = "All layers"
	filterConv = "Convolutions only"
)

func newGrid(u *UI) *grid {
	g := &grid{u: u, header: map[int]int{}, shown: map[widget.ListItemID]*gridRow{}, cache: newSheetCache(sheetCacheBytes)}
	g.empty = widget.NewLabel("Open an image (Ctrl+O), drop one on the window, or pick a sample.")
	g.empty.Alignment = fyne.TextAlignCenter
	g.list = widget.NewList(func() int { return len(g.items) }, func() fyne.CanvasObject {
		return newGridRow(g)
	},
		func(id widget.ListItemID, o fyne.CanvasObject) { g.updateRow(id, o.(*gridRow)) })
	g.list.OnSelected = func(widget.ListItemID) { g.list.UnselectAll() }
	g.list.HideSeparators = true
	g.filter = widget.NewRadioGroup([]string{filterAll, filterConv}, func(s string) {
		if conv := s == filterConv; conv != g.convOnly {
			g.convOnly = conv
			g.layout()
		}
	})
	g.filter.Horizontal = true
	g.filter.Required = true
	g.filter.SetSelected(filterAll)
	// The filter sits on the page, above the list, not on the toolbar:
	// there it widened the window past 900 pixels (TestViewsFit900x600).
	g.page = container.NewBorder(container.NewHBox(g.filter), nil, nil, nil,
		container.NewStack(g.list, container.NewCenter(g.empty)))
	return g
}

func (g *grid) object() fyne.CanvasObject {
	return newGridPage(g.page, g.widthChanged)
}

// gridPage shows the grid's scroll container full size and reports its
// width when Fyne resizes it: the grid reflows its rows from Resize, the
// call that tells a widget its new size, not from a Layout.
type gridPage struct {
	widget.BaseWidget
	content fyne.CanvasObject
	onWidth func(float32)
}

func newGridPage(content fyne.CanvasObject, onWidth func(float32)) *gridPage {
	p := &gridPage{content: content, onWidth: onWidth}
	p.ExtendBaseWidget(p)
	return p
}

// Resize lays the content out and reports the width.
func (p *gridPage) Resize(size fyne.Size) {
	p.BaseWidget.Resize(size)
	p.onWidth(size.Width)
}

// MinSize keeps room for a few tiles.
func (p *gridPage) MinSize() fyne.Size { return fyne.NewSize(200, 200) }

func (p *gridPage) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(p.content) }

// widthChanged reflows the tiles: rows hold as many tiles as fit. The
// first width starts the window's first image, so its frame is drawn once.
func (g *grid) widthChanged(w float32) {
	px := int(w - 2*theme.Padding() - theme.ScrollBarSize() - 4)
	if px < 50 {
		return
	}
	if px != g.width {
		g.width = px
		v := g.u.ses.View()
		v.Width = px
		g.u.ses.SetView(v)
	}
	g.u.started()
}

// gridControls are the toolbar's view controls.
func (u *UI) gridControls() fyne.CanvasObject {
	g := u.grid
	tips := newTipper(u.win)
	v := u.ses.View()
	g.cmap = newTipSelect(session.Colormaps(), "Colormap of the channel maps (viridis as in the tutorial; rdbu and coolwarm diverge around the middle)", tips, g.setColormap)
	g.scale = newTipSelect(scaleLabels, "How values become colours: the tutorial standardises each channel to mean ± 2σ; min–max stretches each channel; one scale per layer makes channels comparable", tips, func(s string) {
		for i, l := range scaleLabels {
			if l == s {
				g.setScale(session.ScaleMode(i))
			}
		}
	})
	g.zoom = newTipSlider(session.MinTile, session.MaxTile, "Tile size in pixels (Ctrl+plus, Ctrl+minus; Ctrl+0 resets)", tips)
	g.zoomL = widget.NewLabel("")
	g.zoom.OnChanged = func(f float64) {
		g.zoomL.SetText(fmt.Sprintf("%d px", int(f)))
		if g.sync {
			return
		}
		v := u.ses.View()
		v.Tile = int(f)
		u.setView(v)
	}
	g.syncControls(v)
	zoomBox := container.NewBorder(nil, nil, widget.NewIcon(theme.ZoomInIcon()), g.zoomL, g.zoom)
	return container.NewHBox(container.NewGridWrap(fyne.NewSize(130, g.cmap.MinSize().Height), g.cmap), container.NewGridWrap(fyne.NewSize(230, g.scale.MinSize().Height), g.scale), container.NewGridWrap(fyne.NewSize(200, g.zoom.MinSize().Height), zoomBox))
}

// syncControls shows v in the controls without triggering them.
func (g *grid) syncControls(v session.View) {
	if g.cmap == nil {
		return
	}
	g.sync = true
	defer func() { g.sync = false }()
	g.cmap.SetSelected(v.Colormap)
	g.scale.SetSelected(scaleLabels[v.Scale])
	g.zoom.SetValue(float64(v.Tile))
	g.u.syncMenuChecks()
}

func (g *grid) setColormap(name string) {
	if g.sync {
		return
	}
	v := g.u.ses.View()
	v.Colormap = name
	g.u.setView(v)
	g.syncControls(v)
	g.u.side.updateScaleText()
}

func (g *grid) setScale(m session.ScaleMode) {
	if g.sync {
		return
	}
	v := g.u.ses.View()
	v.Scale = m
	g.u.setView(v)
	g.syncControls(v)
	g.u.side.updateScaleText()
}

// setFrame shows a frame: its rows are laid out now, its bands are drawn
// when they come on screen.
func (g *grid) setFrame(f *session.Frame) {
	g.frame = f
	g.cache.clear()
	g.layout()
}

// layout makes the list's rows for the frame and the filter.
func (g *grid) layout() {
	f := g.frame
	var items []gridItem
	clear(g.header)
	if f != nil {
		hh := g.rowHeader().MinSize().Height
		for i, l := range f.Layers {
			if g.convOnly && !l.Conv {
				continue
			}
			g.header[i] = len(items)
			items = append(items, gridItem{header: true, band: session.Band{Layer: i}, h: hh})
			for _, b := range f.Bands(i) {
				_, h := f.BandSize(b)
				items = append(items, gridItem{band: b, h: float32(h)})
			}
		}
	}
	// Heights first, with no rows to show: SetItemHeight refreshes rows,
	// which must not see the new rows at the old heights (they would all
	// look visible and be drawn).
	g.items = nil
	for id, it := range items {
		g.list.SetItemHeight(id, it.h)
	}
	g.items = items
	if f != nil && len(f.Layers) > 0 {
		g.empty.Hide()
	} else {
		g.empty.Show()
	}
	g.list.Refresh()
}

var headerProbe *widget.Label

// rowHeader is a label like the headers, for their height.
func (g *grid) rowHeader() *widget.Label {
	if headerProbe == nil {
		headerProbe = widget.NewLabel("conv2d")
		headerProbe.TextStyle.Bold = true
	}
	return headerProbe
}

// updateRow shows row id: a header's text, or a band's image (asking the
// session to draw it the first time).
func (g *grid) updateRow(id widget.ListItemID, r *gridRow) {
	if id < 0 || id >= len(g.items) || g.frame == nil {
		return
	}
	it := g.items[id]
	if g.shown[r.id] == r {
		delete(g.shown, r.id)
	}
	r.id = id
	g.shown[id] = r
	lv := g.frame.Layers[it.band.Layer]
	if it.header {
		r.sheet.link = session.Box{}
		r.header.SetText(layerHeader(lv))
		r.header.Show()
		r.sheet.Hide()
		return
	}
	r.header.Hide()
	r.sheet.Show()
	w, h := g.frame.BandSize(it.band)
	key := bandKey{f: g.frame, b: it.band}
	sh, ok := g.cache.get(key)
	r.sheet.link = g.linkedTo(lv.Name) // drawn by set's Refresh
	r.sheet.set(lv, it.band, sh, w, h)
	if !ok && g.cache.request(key) {
		f := g.frame
		g.u.ses.RenderBand(f, it.band, func(sh *session.Sheet) {
			if g.frame != f {
				return
			}
			g.cache.put(key, sh)
			if id < len(g.items) && g.items[id].band == it.band && !g.items[id].header {
				g.list.RefreshItem(id)
			} else {
				g.list.Refresh()
			}
		})
	}
}

// layerHeader is a section's title: name, type, output shape, value range,
// and how many channels are dead or constant.
func layerHeader(l *session.LayerView) string {
	s := fmt.Sprintf("%s · %s · output (None, %d, %d, %d) · values %s … %s",
		l.Name, l.Kind, l.Shape[0], l.Shape[1], l.Shape[2], fmtVal(l.Min), fmtVal(l.Max))
	if st := l.Stats; st != nil && (st.Dead > 0 || st.Constant > 0) {
		s += fmt.Sprintf(" · %d dead", st.Dead)
		if c := st.Constant - st.Dead; c > 0 {
			s += fmt.Sprintf(", %d constant", c)
		}
	}
	return s
}

func fmtVal(v float32) string {
	switch a := max(v, -v); {
	case a == 0:
		return "0"
	case a >= 1000 || a < 0.001:
		return fmt.Sprintf("%.3g", v)
	default:
		return fmt.Sprintf("%.3f", v)
	}
}

// scrollTo shows layer i (of the frame) at the top.
func (g *grid) scrollTo(i int) {
	id, ok := g.header[i]
	if !ok && g.convOnly { // filtered out: show every layer
		g.filter.SetSelected(filterAll)
		id, ok = g.header[i]
	}
	if !ok {
		return
	}
	g.u.tabs.SelectIndex(0)
	g.list.ScrollTo(id)
	off := float32(0)
	for _, it := range g.items[:id] {
		off += it.h
	}
	g.list.ScrollToOffset(off)
}

// gridRow is one row of the list: a header label or a band's image.
type gridRow struct {
	widget.BaseWidget
	id     widget.ListItemID // the row it shows now
	header *widget.Label
	sheet  *sheetImage
	box    *fyne.Container
}

func newGridRow(g *grid) *gridRow {
	r := &gridRow{header: widget.NewLabel(""), sheet: newSheetImage(g)}
	r.header.TextStyle.Bold = true
	r.header.Truncation = fyne.TextTruncateEllipsis
	r.box = container.NewStack(r.header, container.NewHBox(r.sheet))
	r.ExtendBaseWidget(r)
	return r
}

func (r *gridRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

// sheetImage shows one band of a layer's sheet pixel for pixel; tapping a
// tile opens the channel inspector. It is not Scrollable: the list
// scrolls (see gridPage).
type sheetImage struct {
	widget.BaseWidget
	g     *grid
	img   *canvas.Image
	lv    *session.LayerView
	band  session.Band
	sheet *session.Sheet // nil until drawn
	w, h  int
	rend  *sheetRenderer // hover.go: the linked-cell outlines
	link  session.Box    // linked cells of the hovered one (empty: none)
}

func newSheetImage(g *grid) *sheetImage {
	s := &sheetImage{g: g, img: &canvas.Image{ScaleMode: canvas.ImageScalePixels, FillMode: canvas.ImageFillStretch}}
	s.ExtendBaseWidget(s)
	return s
}

// set shows band b of layer lv: sh, or nothing yet (nil) at its size.
func (s *sheetImage) set(lv *session.LayerView, b session.Band, sh *session.Sheet, w, h int) {
	s.lv, s.band, s.sheet, s.w, s.h = lv, b, sh, w, h
	var img image.Image
	if sh != nil {
		img = sh.Image // a fresh buffer: the old one is never written again
	}
	if s.img.Image != img {
		s.img.Image = img
		s.img.Refresh()
	}
	// The row's box lays the image out only when the row is resized, and
	// the list reuses rows at the same size: take the band's size here
	// (a reused row kept the old band's; a new one had none).
	s.Resize(fyne.NewSize(float32(w), float32(h)))
	s.Refresh()
}

func (s *sheetImage) MinSize() fyne.Size { return fyne.NewSize(float32(s.w), float32(s.h)) }

func (s *sheetImage) CreateRenderer() fyne.WidgetRenderer { return newSheetRenderer(s) }

// channelAt returns the channel (of the whole layer) under widget
// position p.
func (s *sheetImage) channelAt(p fyne.Position) (int, image.Point, bool) {
	if s.sheet == nil {
		return 0, image.Point{}, false
	}
	b := s.sheet.Image.Bounds()
	sz := s.Size()
	if sz.Width <= 0 || sz.Height <= 0 {
		return 0, image.Point{}, false
	}
	pt := image.Pt(int(p.X*float32(b.Dx())/sz.Width), int(p.Y*float32(b.Dy())/sz.Height))
	ch, ok := s.sheet.Layout.ChannelAt(pt.X, pt.Y)
	return s.band.C0 + ch, pt, ok
}

// Tapped opens the inspector for the tile under the pointer.
func (s *sheetImage) Tapped(e *fyne.PointEvent) {
	if ch, _, ok := s.channelAt(e.Position); ok {
		s.g.u.inspect(s.lv, ch)
	}
}

// Cursor shows a pointer over tiles.
func (s *sheetImage) Cursor() desktop.Cursor { return desktop.PointerCursor }
