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
	box   session.Box // linked cells (empty: none)
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

// setLinked outlines box (map cells) in every tile; an empty box clears.
func (r *sheetRenderer) setLinked(b session.Box) {
	r.box = b
	r.place()
}

// place positions one outline per tile for r.box.
func (r *sheetRenderer) place() {
	lv := r.s.lv
	if lv == nil || r.box.Empty() {
		for _, m := range r.marks {
			m.Hide()
		}
		return
	}
	l := &lv.Sheet.Layout
	ib := lv.Sheet.Image.Bounds()
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
	b := r.box
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

// MouseMoved links the cell under the pointer.
func (s *sheetImage) MouseMoved(e *desktop.MouseEvent) {
	ch, pt, ok := s.channelAt(e.Position)
	if !ok {
		s.g.u.hoverCell("", 0, 0, 0, false)
		return
	}
	row, col, ok := s.lv.Sheet.Layout.MapPixel(ch, pt.X, pt.Y)
	s.g.u.hoverCell(s.layer, ch, row, col, ok)
}

// MouseOut clears the links.
func (s *sheetImage) MouseOut() { s.g.u.hoverCell("", 0, 0, 0, false) }

// hoverCell outlines what is linked to cell (row, col) of layer, or clears
// every outline when ok is false.
func (u *UI) hoverCell(layer string, ch, row, col int, ok bool) {
	t0 := time.Now()
	f := u.frame
	if !ok || f == nil || f.Fields == nil {
		for _, s := range u.grid.sections {
			if s.sheet.rend != nil {
				s.sheet.rend.setLinked(session.Box{})
			}
		}
		u.side.showField(session.Box{}, 0, 0)
		return
	}
	for _, s := range u.grid.sections {
		if s.sheet.rend == nil {
			continue
		}
		b, linked := f.Fields.Linked(layer, row, col, s.sheet.layer)
		if !linked {
			b = session.Box{}
		}
		s.sheet.rend.setLinked(b)
	}
	field, _ := f.Fields.Field(layer, row, col)
	size, jump := f.Fields.Size(layer)
	h, w := 0, 0
	if f.Input != nil && f.Input.Seen != nil {
		h, w = f.Input.Seen.Rect.Dy(), f.Input.Seen.Rect.Dx()
	}
	u.side.showField(field, h, w)
	u.setStatus(fmt.Sprintf("%s channel %d, cell (%d, %d): receptive field %s of the input (%d px, jump %d)", layer, ch, row, col, field, size, jump))
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
