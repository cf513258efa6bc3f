package app

import (
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/colormap"
	"github.com/convscope/convscope/internal/render"
	"github.com/convscope/convscope/internal/workbench"
)

// inspectSize is the on-screen edge of the inspected channel, in pixels.
const inspectSize = 360

// inspect opens channel ch of layer lv large, with its statistics,
// histogram and (for a convolution) its kernel.
func (u *UI) inspect(lv *workbench.LayerView, ch int) {
	d := u.newInspector(lv, ch)
	d.Show()
}

// inspector is the channel inspector's content.
type inspector struct {
	value *widget.Label
	big   *channelView
	stats *widget.Label
	hist  *canvas.Image
	kern  *canvas.Image
	kernL *widget.Label
	obj   fyne.CanvasObject
}

func (u *UI) newInspector(lv *workbench.LayerView, ch int) dialog.Dialog {
	in := u.buildInspector(lv, ch)
	d := dialog.NewCustom(fmt.Sprintf("%s — channel %d", lv.Name, ch), "Close", in.obj, u.win)
	return d
}

func (u *UI) buildInspector(lv *workbench.LayerView, ch int) *inspector {
	v := u.bench.View()
	cmap, err := colormap.ByName(v.Colormap)
	if err != nil {
		cmap = colormap.MustByName(colormap.Default)
	}
	h, w, c := lv.Shape[0], lv.Shape[1], lv.Shape[2]
	st := lv.Sheet.Stats.Channels[ch]
	in := &inspector{}

	// The channel, scaled by a whole factor (or to fit) so pixels stay square.
	th, tw := render.TileScale(h, w, inspectSize)
	img := image.NewRGBA(image.Rect(0, 0, tw, th))
	render.RenderChannel(img, lv.Act.Data, h, w, c, ch, v.Scale, cmap, &lv.Sheet.Stats)
	in.value = widget.NewLabel("move the mouse over the map")
	in.big = newChannelView(img, func(row, col int, ok bool) {
		if !ok {
			in.value.SetText("move the mouse over the map")
			return
		}
		val := lv.Act.Data[(row*w+col)*c+ch]
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

	counts := make([]int, 48)
	render.ChannelHistogram(counts, lv.Act.Data, h, w, c, ch, st.Min, st.Max)
	himg := image.NewRGBA(image.Rect(0, 0, 288, 96))
	render.Histogram(himg, counts, cmap, true)
	in.hist = canvas.NewImageFromImage(himg)
	in.hist.ScaleMode = canvas.ImageScalePixels
	in.hist.SetMinSize(fyne.NewSize(288, 96))
	histBox := container.NewVBox(widget.NewLabel("Histogram (log counts)"), in.hist,
		container.NewBorder(nil, nil, caption(fmtVal(st.Min)), caption(fmtVal(st.Max))))

	right := container.NewVBox(in.stats, histBox)
	if k, rgb := u.kernelImage(lv, ch); k != nil {
		in.kern = canvas.NewImageFromImage(k)
		in.kern.ScaleMode = canvas.ImageScalePixels
		in.kern.FillMode = canvas.ImageFillOriginal
		in.kernL = widget.NewLabel(kernelCaption(ch, rgb))
		in.kernL.Wrapping = fyne.TextWrapWord
		right.Add(in.kernL)
		right.Add(container.NewHBox(in.kern))
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

// kernelImage draws the kernel of filter ch of a Conv2D layer: for a first
// layer on RGB input, every filter as a small RGB picture (the inspected
// one is the tile labelled ch); otherwise filter ch's slices.
func (u *UI) kernelImage(lv *workbench.LayerView, ch int) (out *image.RGBA, rgb bool) {
	if lv.Kind != "Conv2D" {
		return nil, false
	}
	_ = u.bench.WithNet(func(m *workbench.Model) error {
		layers := m.Net.Layers()
		if lv.Index >= len(layers) {
			return nil
		}
		ps := layers[lv.Index].Params()
		if len(ps) == 0 || len(ps[0].Shape) != 4 {
			return nil
		}
		s := ps[0].Shape
		kh, kw, cin, cout := s[0], s[1], s[2], s[3]
		if ch >= cout {
			return nil
		}
		o := render.DefaultSheetOptions()
		o.Map = nil
		o.TileSize, o.Cols = 15, 16
		filter := ch
		if cin == 3 {
			filter, rgb = -1, true
			o.TileSize, o.Cols = 30, 8
		}
		out = render.KernelSheet(nil, ps[0].Value, kh, kw, cin, cout, filter, o).Image
		return nil
	})
	return out, rgb
}

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
