package app

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/session"
)

// Hover linking: the pointer over a cell of any map outlines the cell's
// receptive field on the network input (side panel) and the linked cells
// — those it depends on, and those that depend on it — in every tile of
// every other layer. Only rectangles move (no image is redrawn), so a
// move costs well under a frame (hoverStats records it).

// minMark is the smallest outline drawn, in pixels.
const minMark = 5

// linkColor outlines linked cells and the receptive field.
var linkColor = color.NRGBA{255, 140, 0, 255}

// hoverStats records the time the last hover move took (tests, status).
var hoverStats struct{ last, worst time.Duration }

// sheetRenderer draws a sheet and the outlines of linked cells over it.
type sheetRenderer struct {
	s     *sheetImage
	marks []*canvas.Rectangle
}

func newSheetRenderer(s *sheetImage) *sheetRenderer {
	r := &sheetRenderer{s: s}
	s.rend = r
	return r
}

func (r *sheetRenderer) Layout(size fyne.Size) {
	r.s.img.Resize(size)
	r.place()
}
func (r *sheetRenderer) MinSize() fyne.Size { return r.s.MinSize() }
func (r *sheetRenderer) Refresh()           { r.s.img.Refresh(); r.place() }
func (r *sheetRenderer) Destroy()           {}
func (r *sheetRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.s.img}
	for _, m := range r.marks {
		objs = append(objs, m)
	}
	return objs
}

// setLinked outlines box (map cells) in every tile of the band; an empty
// box clears.
func (s *sheetImage) setLinked(b session.Box) {
	s.link = b
	if s.rend != nil {
		s.rend.place()
	}
}

// place positions one outline per tile of the band for s.link. A band is
// a slice of its layer's sheet (channels C0…C1-1) with its own layout,
// so its tiles are numbered from 0; the box, in map cells, is the same
// for every channel.
func (r *sheetRenderer) place() {
	sh := r.s.sheet
	if r.s.lv == nil || sh == nil || r.s.link.Empty() {
		for _, m := range r.marks {
			m.Hide()
		}
		return
	}
	l := &sh.Layout
	ib := sh.Image.Bounds()
	sz := r.s.Size()
	if ib.Dx() == 0 || ib.Dy() == 0 {
		return
	}
	fx, fy := sz.Width/float32(ib.Dx()), sz.Height/float32(ib.Dy())
	for len(r.marks) < l.C {
		m := canvas.NewRectangle(color.Transparent)
		m.StrokeColor, m.StrokeWidth = linkColor, 1.5
		r.marks = append(r.marks, m)
	}
	b := r.s.link
	for ch, m := range r.marks {
		if ch >= l.C {
			m.Hide()
			continue
		}
		t := l.Tile(ch)
		x0 := float32(t.Min.X) + float32(b.X0*l.TileW)/float32(l.W)
		x1 := float32(t.Min.X) + float32(b.X1*l.TileW)/float32(l.W)
		y0 := float32(t.Min.Y) + float32(b.Y0*l.TileH)/float32(l.H)
		y1 := float32(t.Min.Y) + float32(b.Y1*l.TileH)/float32(l.H)
		pos, size := fyne.NewPos(x0*fx, y0*fy), fyne.NewSize((x1-x0)*fx, (y1-y0)*fy)
		if grow := minMark - size.Width; grow > 0 { // a cell smaller than a pixel stays visible
			pos.X, size.Width = pos.X-grow/2, minMark
		}
		if grow := minMark - size.Height; grow > 0 {
			pos.Y, size.Height = pos.Y-grow/2, minMark
		}
		m.Move(pos)
		m.Resize(size)
		m.Show()
		m.Refresh()
	}
}

// MouseIn starts linking at the cell under the pointer.
func (s *sheetImage) MouseIn(e *desktop.MouseEvent) { s.MouseMoved(e) }

// MouseMoved links the cell under the pointer. channelAt gives the
// whole layer's channel; the band's layout numbers its tiles from C0.
func (s *sheetImage) MouseMoved(e *desktop.MouseEvent) {
	ch, pt, ok := s.channelAt(e.Position)
	if !ok {
		s.g.u.hoverCell("", 0, 0, 0, false)
		return
	}
	row, col, ok := s.sheet.Layout.MapPixel(ch-s.band.C0, pt.X, pt.Y)
	s.g.u.hoverCell(s.lv.Name, ch, row, col, ok)
}

// MouseOut clears the links.
func (s *sheetImage) MouseOut() { s.g.u.hoverCell("", 0, 0, 0, false) }

// hoverState is the cell the pointer links (ok false: none).
type hoverState struct {
	layer    string
	row, col int
	ok       bool
}

// linkedTo returns the cells of layer linked to the hovered cell (empty
// when nothing is hovered or they are not linked).
func (g *grid) linkedTo(layer string) session.Box {
	h, f := g.hover, g.frame
	if !h.ok || f == nil || f.Fields == nil {
		return session.Box{}
	}
	b, linked := f.Fields.Linked(h.layer, h.row, h.col, layer)
	if !linked {
		return session.Box{}
	}
	return b
}

// hoverCell outlines what is linked to cell (row, col) of layer, or clears
// every outline when ok is false. Only the bands on screen (the list's
// rows) are outlined; a band scrolled into view gets its outlines when
// its row is shown (grid.updateRow).
func (u *UI) hoverCell(layer string, ch, row, col int, ok bool) {
	t0 := time.Now()
	f := u.frame
	g := u.grid
	if !ok || f == nil || f.Fields == nil {
		g.hover = hoverState{}
		for _, r := range g.shown {
			r.sheet.setLinked(session.Box{})
		}
		u.side.showField(session.Box{}, 0, 0)
		u.endHoverStatus()
		return
	}
	g.hover = hoverState{layer: layer, row: row, col: col, ok: true}
	linked := map[string]session.Box{} // per layer: a layer has several bands
	for id, r := range g.shown {
		if id >= len(g.items) || g.items[id].header || r.sheet.lv == nil {
			r.sheet.setLinked(session.Box{})
			continue
		}
		name := r.sheet.lv.Name
		b, seen := linked[name]
		if !seen {
			b = g.linkedTo(name)
			linked[name] = b
		}
		r.sheet.setLinked(b)
	}
	field, _ := f.Fields.Field(layer, row, col)
	size, jump := f.Fields.Size(layer)
	h, w := 0, 0
	if f.Input != nil && f.Input.Seen != nil {
		h, w = f.Input.Seen.Rect.Dy(), f.Input.Seen.Rect.Dx()
	}
	u.side.showField(field, h, w)
	u.hoverStatusf("%s channel %d, cell (%d, %d): receptive field %s of the input (%d px, jump %d)", layer, ch, row, col, field, size, jump)
	d := time.Since(t0)
	hoverStats.last, hoverStats.worst = d, max(hoverStats.worst, d)
}

// fieldOverlay outlines a receptive field over the network-input image.
type fieldOverlay struct {
	widget.BaseWidget
	img  *canvas.Image
	rect *canvas.Rectangle
	box  session.Box
	h, w int
}

func newFieldOverlay(img *canvas.Image) *fieldOverlay {
	o := &fieldOverlay{img: img, rect: canvas.NewRectangle(color.Transparent)}
	o.rect.StrokeColor, o.rect.StrokeWidth = linkColor, 2
	o.rect.Hide()
	o.ExtendBaseWidget(o)
	return o
}

func (o *fieldOverlay) CreateRenderer() fyne.WidgetRenderer {
	return &overlayRenderer{o: o, objs: []fyne.CanvasObject{o.img, container.NewWithoutLayout(o.rect)}}
}

type overlayRenderer struct {
	o    *fieldOverlay
	objs []fyne.CanvasObject
}

func (r *overlayRenderer) Layout(size fyne.Size) {
	r.o.img.Resize(size)
	r.place(size)
}
func (r *overlayRenderer) MinSize() fyne.Size           { return r.o.img.MinSize() }
func (r *overlayRenderer) Refresh()                     { r.place(r.o.Size()); r.o.img.Refresh() }
func (r *overlayRenderer) Destroy()                     {}
func (r *overlayRenderer) Objects() []fyne.CanvasObject { return r.objs }

// place maps the box (input pixels) onto the image as ImageFillContain
// shows it: scaled to fit, centred.
func (r *overlayRenderer) place(size fyne.Size) {
	o := r.o
	if o.box.Empty() || o.h == 0 || o.w == 0 {
		o.rect.Hide()
		return
	}
	sc := min(size.Width/float32(o.w), size.Height/float32(o.h))
	ox, oy := (size.Width-sc*float32(o.w))/2, (size.Height-sc*float32(o.h))/2
	o.rect.Move(fyne.NewPos(ox+sc*float32(o.box.X0), oy+sc*float32(o.box.Y0)))
	o.rect.Resize(fyne.NewSize(sc*float32(o.box.W()), sc*float32(o.box.H())))
	o.rect.Show()
	o.rect.Refresh()
}

// showField outlines box on the network input (an empty box hides it).
func (p *sidePanel) showField(b session.Box, h, w int) {
	if p.field == nil {
		return
	}
	p.field.box, p.field.h, p.field.w = b, h, w
	p.field.Refresh()
}

// hoverStatusf shows a hovered cell in the status line, remembering what
// the line said before the hover began.
func (u *UI) hoverStatusf(format string, args ...any) {
	if u.hoverStatus == "" || u.status.Text != u.hoverStatus {
		u.beforeHover = u.status.Text
	}
	u.setStatus(fmt.Sprintf(format, args...))
	u.hoverStatus = u.status.Text
}

// endHoverStatus puts back the status line the hover replaced (the
// frame's timing, a note), unless something else has been said since:
// the last cell's receptive field stayed there on every other tab.
func (u *UI) endHoverStatus() {
	if u.hoverStatus != "" && u.status.Text == u.hoverStatus {
		u.status.SetText(u.beforeHover)
	}
	u.hoverStatus = ""
}
