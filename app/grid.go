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

// grid is the Activations page: one section per conv/pool layer, each a
// header and one composed image of all its channels, in a vertical scroll.
type grid struct {
	u        *UI
	box      *fyne.Container
	scroll   *gridScroll
	sections []*section
	empty    *widget.Label
	width    int // sheet width last sent to the session

	cmap  *tipSelect
	scale *tipSelect
	zoom  *tipSlider
	zoomL *widget.Label
	sync  bool // controls are being set programmatically
}

// section is one layer on the page.
type section struct {
	box    *fyne.Container
	header *widget.Label
	sheet  *sheetImage
}

func newGrid(u *UI) *grid {
	g := &grid{u: u, box: container.NewVBox()}
	g.empty = widget.NewLabel("Open an image (Ctrl+O), drop one on the window, or pick a sample.")
	g.empty.Alignment = fyne.TextAlignCenter
	g.box.Add(g.empty)
	g.scroll = newGridScroll(g)
	return g
}

// gridScroll is the grid's vertical scroll; Ctrl+scroll (Cmd on macOS)
// zooms the tiles instead. The tiles must not handle scrolling themselves:
// Fyne's hit test treats every Scrollable as a clip region and resets the
// clip to its own bounds, so a tile scrolled out of view would still catch
// clicks meant for the tab bar above it (issue #17 defect 2).
type gridScroll struct {
	container.Scroll
	g *grid
}

func newGridScroll(g *grid) *gridScroll {
	s := &gridScroll{g: g}
	s.Content, s.Direction = g.box, container.ScrollVerticalOnly
	s.ExtendBaseWidget(s)
	return s
}

// Scrolled zooms with Ctrl held and scrolls the page otherwise.
func (s *gridScroll) Scrolled(e *fyne.ScrollEvent) {
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok && d.CurrentKeyModifiers()&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0 {
		if e.Scrolled.DY > 0 {
			s.g.u.zoom(1.1)
		} else if e.Scrolled.DY < 0 {
			s.g.u.zoom(1 / 1.1)
		}
		return
	}
	s.Scroll.Scrolled(e)
}

func (g *grid) object() fyne.CanvasObject {
	return newGridPage(g.scroll, g.widthChanged)
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
	g.zoom = newTipSlider(session.MinTile, session.MaxTile, "Tile size in pixels (Ctrl+scroll, Ctrl+plus, Ctrl+minus; Ctrl+0 resets)", tips)
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

// setFrame shows a frame's sheets, reusing the sections.
func (g *grid) setFrame(f *session.Frame) {
	if len(g.sections) != len(f.Layers) || (len(g.sections) > 0 && g.sections[0].sheet.layer != f.Layers[0].Name) {
		g.box.RemoveAll()
		g.sections = nil
		for range f.Layers {
			s := &section{header: widget.NewLabel(""), sheet: newSheetImage(g)}
			s.header.TextStyle.Bold = true
			s.header.Truncation = fyne.TextTruncateEllipsis
			s.box = container.NewVBox(s.header, container.NewHBox(s.sheet))
			g.sections = append(g.sections, s)
			g.box.Add(s.box)
		}
		if len(f.Layers) == 0 {
			g.box.Add(g.empty)
		}
	}
	for i, l := range f.Layers {
		s := g.sections[i]
		s.header.SetText(layerHeader(l))
		s.sheet.set(i, l)
	}
	g.box.Refresh()
	g.scroll.Refresh() // the page's height changes with the tiles
}

// layerHeader is a section's title: name, type, output shape, value range,
// and how many channels are dead or constant.
func layerHeader(l *session.LayerView) string {
	s := fmt.Sprintf("%s · %s · output (None, %d, %d, %d) · values %s … %s",
		l.Name, l.Kind, l.Shape[0], l.Shape[1], l.Shape[2], fmtVal(l.Min), fmtVal(l.Max))
	if st := &l.Sheet.Stats; st.Dead > 0 || st.Constant > 0 {
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

// scrollTo shows layer i at the top.
func (g *grid) scrollTo(i int) {
	if i < 0 || i >= len(g.sections) {
		return
	}
	g.u.tabs.SelectIndex(0)
	g.scroll.ScrollToOffset(fyne.NewPos(0, g.sections[i].box.Position().Y))
}

// sheetImage shows one layer's sheet pixel for pixel; tapping a tile opens
// the channel inspector (Ctrl+scroll zooms: gridScroll).
type sheetImage struct {
	widget.BaseWidget
	g     *grid
	img   *canvas.Image
	index int
	layer string
	lv    *session.LayerView
	rend  *sheetRenderer // hover.go: the linked-cell outlines
}

func newSheetImage(g *grid) *sheetImage {
	s := &sheetImage{g: g, img: &canvas.Image{ScaleMode: canvas.ImageScalePixels, FillMode: canvas.ImageFillStretch}}
	s.ExtendBaseWidget(s)
	return s
}

func (s *sheetImage) set(i int, l *session.LayerView) {
	s.index, s.layer, s.lv = i, l.Name, l
	s.img.Image = l.Sheet.Image // a fresh buffer: the old one is never written again
	s.img.Refresh()
	s.Refresh()
}

func (s *sheetImage) MinSize() fyne.Size {
	if s.lv == nil {
		return fyne.NewSize(0, 0)
	}
	b := s.lv.Sheet.Image.Bounds()
	return fyne.NewSize(float32(b.Dx()), float32(b.Dy()))
}

func (s *sheetImage) CreateRenderer() fyne.WidgetRenderer { return newSheetRenderer(s) }

// channelAt returns the channel under widget position p.
func (s *sheetImage) channelAt(p fyne.Position) (int, image.Point, bool) {
	if s.lv == nil {
		return 0, image.Point{}, false
	}
	b := s.lv.Sheet.Image.Bounds()
	sz := s.Size()
	if sz.Width <= 0 || sz.Height <= 0 {
		return 0, image.Point{}, false
	}
	pt := image.Pt(int(p.X*float32(b.Dx())/sz.Width), int(p.Y*float32(b.Dy())/sz.Height))
	ch, ok := s.lv.Sheet.Layout.ChannelAt(pt.X, pt.Y)
	return ch, pt, ok
}

// Tapped opens the inspector for the tile under the pointer.
func (s *sheetImage) Tapped(e *fyne.PointEvent) {
	if ch, _, ok := s.channelAt(e.Position); ok {
		s.g.u.inspect(s.lv, ch)
	}
}

// Cursor shows a pointer over tiles.
func (s *sheetImage) Cursor() desktop.Cursor { return desktop.PointerCursor }
