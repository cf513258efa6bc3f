package app

import (
	"fmt"
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/session"
)

// inspect asks the session to draw channel ch of layer lv large, with its
// statistics, histogram and (for a convolution) its kernel, and shows it
// in a dialog when it arrives.
func (u *UI) inspect(lv *session.LayerView, ch int) {
	u.ses.Inspect(lv, ch, func(in *session.Inspection) {
		u.inspector = buildInspector(in)
		u.addExemplars(u.inspector, lv.Name, ch)
		d := dialog.NewCustom(fmt.Sprintf("%s — channel %d", lv.Name, ch), "Close", u.inspector.obj, u.win)
		u.closeWithKeys(d, fyne.KeyEscape) // issue #17 defect 6
		d.Show()
	})
}

// inspector is the channel inspector's content.
type inspector struct {
	value *widget.Label
	big   *channelView
	stats *widget.Label
	hist  *canvas.Image
	kern  *canvas.Image
	kernM *markedImage // kern, with the inspected filter framed
	kernL *widget.Label
	obj   fyne.CanvasObject
}

// buildInspector lays out an inspection the session drew.
func buildInspector(ins *session.Inspection) *inspector {
	lv, ch, st := ins.Layer, ins.Channel, ins.Stats
	h, w, c := lv.Shape[0], lv.Shape[1], lv.Shape[2]
	in := &inspector{}
	in.value = widget.NewLabel("move the mouse over the map")
	in.big = newChannelView(ins.Image, func(row, col int, ok bool) {
		if !ok {
			in.value.SetText("move the mouse over the map")
			return
		}
		val := ins.Values[row*w+col]
		in.value.SetText(fmt.Sprintf("row %d, column %d:  %s", row, col, fmtVal(val)))
	}, h, w)

	state := ""
	switch {
	case st.Dead:
		state = "\ndead: every value is 0 for this image"
	case st.Constant:
		state = "\nconstant: every value is the same"
	}
	in.stats = widget.NewLabel(fmt.Sprintf("%s (%s), output %d×%d, channel %d of %d\nmin %s   max %s\nmean %s   std %s\nzeros %.1f %%%s",
		lv.Name, lv.Kind, h, w, ch, c, fmtVal(st.Min), fmtVal(st.Max), fmtVal(float32(st.Mean)), fmtVal(float32(st.Std)), 100*st.ZeroFrac, state))

	in.hist = canvas.NewImageFromImage(ins.Histogram)
	in.hist.ScaleMode = canvas.ImageScalePixels
	in.hist.SetMinSize(fyne.NewSize(288, 96))
	histBox := container.NewVBox(widget.NewLabel("Histogram (log counts)"), in.hist,
		container.NewBorder(nil, nil, caption(fmtVal(st.Min)), caption(fmtVal(st.Max))))

	right := container.NewVBox(in.stats, histBox)
	if ins.Kernel != nil {
		in.kern = canvas.NewImageFromImage(ins.Kernel)
		in.kern.ScaleMode = canvas.ImageScalePixels
		in.kern.FillMode = canvas.ImageFillOriginal
		in.kernL = widget.NewLabel(kernelCaption(ch, ins.KernelRGB))
		in.kernL.Wrapping = fyne.TextWrapWord
		right.Add(in.kernL)
		in.kernM = newMarkedImage(in.kern, ins.KernelCell)
		right.Add(container.NewHBox(in.kernM))
	}
	left := container.NewVBox(container.NewCenter(in.big), in.value)
	in.obj = container.NewHBox(left, right)
	return in
}

func kernelCaption(ch int, rgb bool) string {
	if rgb {
		return fmt.Sprintf("First-layer kernels as RGB pictures, one per filter (this channel is filter %d)", ch)
	}
	return fmt.Sprintf("Kernel of filter %d: one tile per input channel (blue negative, red positive, white 0)", ch)
}

// markedImage shows an image with a frame in the theme's primary colour
// around mark (in the image's pixels; no frame when empty): the
// inspected filter among the first layer's kernels, which the caption
// names ("this channel is filter N").
type markedImage struct {
	widget.BaseWidget
	img  *canvas.Image
	mark image.Rectangle
}

func newMarkedImage(img *canvas.Image, mark image.Rectangle) *markedImage {
	m := &markedImage{img: img, mark: mark}
	m.ExtendBaseWidget(m)
	return m
}

func (m *markedImage) CreateRenderer() fyne.WidgetRenderer {
	r := &markedRenderer{m: m, frame: canvas.NewRectangle(color.Transparent)}
	r.frame.StrokeWidth = thumbFrameWidth
	r.Refresh()
	return r
}

type markedRenderer struct {
	m     *markedImage
	frame *canvas.Rectangle
}

// Layout stretches the image over the widget and puts the frame on the
// mark, scaled as the image is: the frame's stroke, drawn inside its
// rectangle, covers the mark's edge.
func (r *markedRenderer) Layout(size fyne.Size) {
	r.m.img.Move(fyne.NewPos(0, 0))
	r.m.img.Resize(size)
	b := r.m.img.Image.Bounds()
	if b.Empty() || r.m.mark.Empty() {
		return
	}
	fx, fy := size.Width/float32(b.Dx()), size.Height/float32(b.Dy())
	k := r.m.mark.Sub(b.Min)
	r.frame.Move(fyne.NewPos(float32(k.Min.X)*fx, float32(k.Min.Y)*fy))
	r.frame.Resize(fyne.NewSize(float32(k.Dx())*fx, float32(k.Dy())*fy))
}

func (r *markedRenderer) MinSize() fyne.Size { return r.m.img.MinSize() }

func (r *markedRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.m.img, r.frame}
}

// Refresh follows the theme (a theme change refreshes every widget).
func (r *markedRenderer) Refresh() {
	r.frame.StrokeColor = theme.Color(theme.ColorNamePrimary)
	r.frame.Hidden = r.m.mark.Empty()
	r.frame.Refresh()
	r.m.img.Refresh()
}

func (r *markedRenderer) Destroy() {}

// channelView shows a channel image pixel for pixel and reports the map
// cell under the mouse.
type channelView struct {
	widget.BaseWidget
	img    *canvas.Image
	h, w   int
	onMove func(row, col int, ok bool)
}

func newChannelView(img *image.RGBA, onMove func(row, col int, ok bool), h, w int) *channelView {
	c := &channelView{img: canvas.NewImageFromImage(img), h: h, w: w, onMove: onMove}
	c.img.ScaleMode = canvas.ImageScalePixels
	c.img.FillMode = canvas.ImageFillStretch
	c.ExtendBaseWidget(c)
	return c
}

func (c *channelView) MinSize() fyne.Size {
	b := c.img.Image.Bounds()
	return fyne.NewSize(float32(b.Dx()), float32(b.Dy()))
}

func (c *channelView) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(c.img) }

// cellAt returns the map cell under widget position p.
func (c *channelView) cellAt(p fyne.Position) (row, col int, ok bool) {
	s := c.Size()
	if s.Width <= 0 || s.Height <= 0 || p.X < 0 || p.Y < 0 || p.X >= s.Width || p.Y >= s.Height {
		return 0, 0, false
	}
	return int(p.Y / s.Height * float32(c.h)), int(p.X / s.Width * float32(c.w)), true
}

func (c *channelView) MouseIn(e *desktop.MouseEvent)    { c.MouseMoved(e) }
func (c *channelView) MouseMoved(e *desktop.MouseEvent) { c.onMove(c.cellAt(e.Position)) }
func (c *channelView) MouseOut()                        { c.onMove(0, 0, false) }
