package app

import (
	"fmt"
	"image"
	"image/color"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/session"
)

// sidePanel shows the image and what the model makes of it: original and
// preprocessed input, prediction, samples, the layer list and the colour bar.
type sidePanel struct {
	u        *UI
	original *canvas.Image
	// originalBox lays the original out with a capped aspect; its caption
	// says when the picture is stretched.
	originalBox *fyne.Container
	originalCap *widget.Label
	seen        *canvas.Image
	name        *widget.Label
	pred        *widget.Label
	card        *widget.Label     // the model card (nn.Metadata.CardLines)
	cardBox     *widget.Accordion // folded by default; hidden without a card
	// samplesBox holds the samples strip, rebuilt when the samples
	// follow the model (setSamples).
	samplesBox *fyne.Container
	thumbs     []*thumb // the strip's thumbnails, in u.samples order
	bars       *fyne.Container
	layers     *widget.List
	names      []string
	cbar       *canvas.Image
	cbarLo     *widget.Label
	cbarMid    *widget.Label
	cbarHi     *widget.Label
	cbarNote   *widget.Label
	field      *fieldOverlay // hover.go: the receptive field on the input
	prep       *widget.Label
	prepBtn    *widget.Button
	prepBox    *fyne.Container
	obj        fyne.CanvasObject
}

func newSidePanel(u *UI) *sidePanel {
	p := &sidePanel{u: u}
	// Stretched inside a box whose aspect is capped (thumbLayout): with
	// ImageFillContain a 10000×3 image was a line a fraction of a pixel
	// high (issue #17 defect 10).
	p.original = &canvas.Image{FillMode: canvas.ImageFillStretch, ScaleMode: canvas.ImageScaleSmooth}
	p.originalBox = container.New(&thumbLayout{img: p.original, min: 96}, p.original)
	p.originalCap = caption("original")
	p.seen = &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScalePixels}
	p.seen.SetMinSize(fyne.NewSize(96, 96))
	p.field = newFieldOverlay(p.seen)
	p.name = widget.NewLabel("")
	p.name.Truncation = fyne.TextTruncateEllipsis
	p.pred = widget.NewLabel("")
	p.pred.TextStyle.Bold = true
	p.pred.Wrapping = fyne.TextWrapWord
	p.bars = container.NewVBox()

	p.layers = widget.NewList(func() int { return len(p.names) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("conv2d_1 (148×148×32)")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(p.names[i]) })
	p.layers.OnSelected = func(i widget.ListItemID) {
		u.grid.scrollTo(i)
		p.layers.UnselectAll()
	}

	p.cbar = &canvas.Image{ScaleMode: canvas.ImageScalePixels, FillMode: canvas.ImageFillStretch}
	p.cbar.SetMinSize(fyne.NewSize(120, 14))
	p.cbarLo, p.cbarMid, p.cbarHi = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	p.cbarMid.Alignment = fyne.TextAlignCenter
	p.cbarHi.Alignment = fyne.TextAlignTrailing
	p.cbarNote = widget.NewLabel("")
	p.cbarNote.Wrapping = fyne.TextWrapWord
	p.cbarNote.SizeName = theme.SizeNameCaptionText
	p.updateScaleText()

	heading := func(s string) *widget.Label {
		l := widget.NewLabel(s)
		l.TextStyle.Bold = true
		return l
	}
	images := container.NewGridWithColumns(2,
		container.NewBorder(nil, p.originalCap, nil, nil, p.originalBox),
		container.NewBorder(nil, caption("network input"), nil, nil, p.field))
	p.prep = widget.NewLabel("")
	p.prep.Wrapping = fyne.TextWrapWord
	p.prep.SizeName = theme.SizeNameCaptionText
	p.prepBtn = widget.NewButton("Change preprocessing…", u.changePreprocess)
	p.prepBox = container.NewVBox(p.prep, p.prepBtn)
	p.prepBox.Hide()
	p.card = widget.NewLabel("")
	p.card.Wrapping = fyne.TextWrapWord
	p.card.SizeName = theme.SizeNameCaptionText
	p.cardBox = widget.NewAccordion(widget.NewAccordionItem("Model card", p.card))
	p.cardBox.Hide()
	p.samplesBox = container.NewStack(p.samplesStrip())
	top := container.NewVBox(p.name, images, p.prepBox, heading("Prediction"), p.pred, p.bars, p.cardBox,
		heading("Samples"), p.samplesBox,
		heading("Colour scale"), p.cbar, container.NewGridWithColumns(3, p.cbarLo, p.cbarMid, p.cbarHi), p.cbarNote,
		heading("Layers"))
	// The list keeps room for several layers: as the Border's centre
	// inside a scroll it got its own minimum, one row, and the "live
	// weights" note during training pushed even that out (issue #17
	// defect 4).
	p.obj = container.NewBorder(top, nil, nil, nil, container.New(minHeight(layerListHeight), p.layers))
	return p
}

// layerListHeight is the Layers list's least height: about six rows.
const layerListHeight = 230

// minHeight lays its children out full size and asks for at least h.
type minHeight float32

func (m minHeight) Layout(objs []fyne.CanvasObject, size fyne.Size) { minWidth(0).Layout(objs, size) }

func (m minHeight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(0, float32(m))
	for _, o := range objs {
		s = s.Max(fyne.NewSize(o.MinSize().Width, 0))
	}
	return s
}

func caption(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Alignment = fyne.TextAlignCenter
	l.SizeName = theme.SizeNameCaptionText
	return l
}

func (p *sidePanel) object() fyne.CanvasObject {
	return container.New(minWidth(sideWidth), container.NewVScroll(p.obj))
}

// sideWidth is the side panel's least width.
const sideWidth = 250

// minWidth lays its children out full size and asks for at least w.
type minWidth float32

func (m minWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (m minWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(float32(m), 0)
	for _, o := range objs {
		s = s.Max(fyne.NewSize(0, o.MinSize().Height))
	}
	return s
}

// setSamples shows the UI's samples (u.samples) in the strip.
func (p *sidePanel) setSamples() {
	p.samplesBox.Objects = []fyne.CanvasObject{p.samplesStrip()}
	p.samplesBox.Refresh()
	p.markSample(p.u.frame)
}

// samplesStrip is a row of sample thumbnails, one click each.
func (p *sidePanel) samplesStrip() fyne.CanvasObject {
	p.thumbs = p.thumbs[:0]
	if len(p.u.samples) == 0 {
		return widget.NewLabel("no samples")
	}
	grid := container.NewGridWrap(fyne.NewSize(44, 44))
	for i, s := range p.u.samples {
		t := newThumb(s, func() { p.u.openSample(i) })
		p.thumbs = append(p.thumbs, t)
		grid.Add(t)
	}
	return grid
}

// markSample frames the thumbnail of the sample f shows, and no other;
// none when f is not a sample (a file, a dropped image) or is nil.
func (p *sidePanel) markSample(f *session.Frame) {
	on := sampleIndex(p.u.samples, f)
	for i, t := range p.thumbs {
		t.setSelected(i == on)
	}
}

// sampleIndex returns the index of the sample frame f shows, or -1. A
// sample is opened by name without a path (UI.openSample); a file of the
// same name has one.
func sampleIndex(samples []session.Sample, f *session.Frame) int {
	if f == nil || f.Input == nil || f.Input.Path != "" {
		return -1
	}
	for i, s := range samples {
		if s.Name == f.Input.Name {
			return i
		}
	}
	return -1
}

// thumb is a tappable sample thumbnail, framed in the theme's primary
// colour while its sample is on screen.
type thumb struct {
	widget.BaseWidget
	img      *canvas.Image
	fn       func()
	selected bool
}

func newThumb(s session.Sample, fn func()) *thumb {
	t := &thumb{fn: fn, img: canvas.NewImageFromImage(s.Thumb)}
	t.img.FillMode = canvas.ImageFillContain
	t.ExtendBaseWidget(t)
	return t
}

// setSelected shows or hides the frame.
func (t *thumb) setSelected(on bool) {
	if t.selected != on {
		t.selected = on
		t.Refresh()
	}
}

func (t *thumb) CreateRenderer() fyne.WidgetRenderer {
	frame := canvas.NewRectangle(color.Transparent)
	frame.StrokeWidth = thumbFrameWidth
	r := &thumbRenderer{t: t, frame: frame}
	r.Refresh()
	return r
}

func (t *thumb) Tapped(*fyne.PointEvent) { t.fn() }

// thumbFrameWidth is the selected thumbnail's frame, in pixels.
const thumbFrameWidth = 2

type thumbRenderer struct {
	t     *thumb
	frame *canvas.Rectangle
}

func (r *thumbRenderer) Layout(size fyne.Size) {
	for _, o := range r.Objects() {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (r *thumbRenderer) MinSize() fyne.Size { return r.t.img.MinSize() }

func (r *thumbRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.t.img, r.frame}
}

// Refresh follows the selection and the theme (a theme change refreshes
// every widget).
func (r *thumbRenderer) Refresh() {
	r.frame.StrokeColor = theme.Color(theme.ColorNamePrimary)
	if r.t.selected {
		r.frame.Show()
	} else {
		r.frame.Hide()
	}
	r.frame.Refresh()
	r.t.img.Refresh()
}

func (r *thumbRenderer) Destroy() {}

// setFrame shows a frame's input and prediction and lists its layers.
func (p *sidePanel) setFrame(f *session.Frame) {
	p.name.SetText(f.Input.Name)
	p.markSample(f)
	if p.original.Image != f.Input.Preview {
		p.original.Image = f.Input.Preview
		p.originalCap.SetText(originalCaption(f.Input))
		p.originalBox.Refresh()
	}
	if p.seen.Image != f.Input.Seen {
		p.seen.Image = f.Input.Seen
		p.seen.Refresh()
	}
	pr := f.Prediction
	if len(pr.Top) > 0 {
		p.pred.SetText(fmt.Sprintf("%s  %.1f %%", pr.Top[0].Name, 100*pr.Top[0].Prob))
	}
	p.bars.RemoveAll()
	for _, c := range pr.Top {
		// The formatter goes first: SetValue draws the text, and the
		// default one rounds down to whole percents ("55%" under a
		// "55.7 %" heading, issue #17 defect 5).
		bar := widget.NewProgressBar()
		v := c.Prob
		bar.TextFormatter = func() string { return fmt.Sprintf("%.1f %%", 100*v) }
		bar.SetValue(c.Prob)
		p.bars.Add(container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(84, bar.MinSize().Height), truncLabel(c.Name)), nil, bar))
	}
	if pr.Softmaxed {
		note := widget.NewLabel("the model outputs logits (no softmax): these are their softmax")
		note.Wrapping = fyne.TextWrapWord
		note.SizeName = theme.SizeNameCaptionText
		p.bars.Add(note)
	}
	if f.Live || !f.Model.Trained {
		msg := "untrained weights: train on the Training tab or open a model"
		if f.Live {
			msg = "live: weights of the training in progress"
		}
		note := widget.NewLabel(msg)
		note.Wrapping = fyne.TextWrapWord
		note.SizeName = theme.SizeNameCaptionText
		p.bars.Add(note)
	}
	// What the model knows (its card), so that a confident answer about an
	// image it was never meant for is not taken for understanding.
	if msg := session.KnowsNote(f.Model, f.Input); msg != "" && !f.Live {
		note := widget.NewLabel(msg)
		note.Wrapping = fyne.TextWrapWord
		note.SizeName = theme.SizeNameCaptionText
		p.bars.Add(note)
	}
	p.setCard(f.Model)
	names := make([]string, len(f.Layers))
	for i, l := range f.Layers {
		names[i] = fmt.Sprintf("%s  (%d×%d×%d)", l.Name, l.Shape[0], l.Shape[1], l.Shape[2])
	}
	if !slices.Equal(names, p.names) {
		p.names = names
		p.layers.Refresh()
	}
	p.updateScaleText()
}

// modelChanged shows the preprocessing of an ONNX model (which the user
// chose and may change).
func (p *sidePanel) modelChanged() {
	if t := preprocessText(p.u.ses.Model()); t != "" {
		p.prep.SetText(t)
		p.prepBox.Show()
	} else {
		p.prepBox.Hide()
	}
}

// setCard shows the model's card, if it has one: what it was trained on,
// when, its accuracy, input and preprocessing, and what it knows.
func (p *sidePanel) setCard(m *session.Model) {
	if m == nil || m.Meta.Card == nil {
		p.cardBox.Hide()
		return
	}
	text := strings.Join(m.Meta.CardLines(m.InputShape()), "\n")
	if p.card.Text != text {
		p.card.SetText(text)
	}
	p.cardBox.Show()
}

// setColorBar shows the colour bar the session drew for the view.
func (p *sidePanel) setColorBar(img *image.RGBA) {
	if img != nil && p.cbar.Image != img {
		p.cbar.Image = img
		p.cbar.Refresh()
	}
}

// updateScaleText says what the colour bar's ends mean in the current view.
func (p *sidePanel) updateScaleText() {
	v := p.u.ses.View()
	switch v.Scale {
	case session.Standardize:
		p.cbarLo.SetText("μ−2σ")
		p.cbarMid.SetText("μ")
		p.cbarHi.SetText("μ+2σ")
		p.cbarNote.SetText("Each channel: (x − mean)/std·64 + 128, as in the tutorial. Hatched tiles are dead (all 0) or constant.")
	case session.MinMax:
		p.cbarLo.SetText("min")
		p.cbarMid.SetText("")
		p.cbarHi.SetText("max")
		p.cbarNote.SetText("Each channel stretched from its own minimum to its maximum.")
	default:
		lo, hi := "min", "max"
		if f := p.u.frame; f != nil && len(f.Layers) > 0 {
			lo, hi = "layer min", "layer max"
		}
		p.cbarLo.SetText(lo)
		p.cbarMid.SetText("")
		p.cbarHi.SetText(hi)
		p.cbarNote.SetText("One scale per layer (its header gives the range): channels of a layer are comparable.")
	}
}

func truncLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// maxThumbAspect is the most a thumbnail's long side may exceed its short
// side: a longer image is shown stretched to this aspect.
const maxThumbAspect = 4

// thumbLayout centres an image in its space at the image's aspect ratio,
// capped to maxThumbAspect (the image object stretches to the box), and
// asks for a min×min square.
type thumbLayout struct {
	img *canvas.Image
	min float32
}

func (l *thumbLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w, h := size.Width, size.Height
	if l.img.Image != nil {
		b := l.img.Image.Bounds()
		a := float32(b.Dx()) / float32(max(1, b.Dy()))
		a = max(1/float32(maxThumbAspect), min(float32(maxThumbAspect), a))
		if w/h > a {
			w = h * a
		} else {
			h = w / a
		}
	}
	pos := fyne.NewPos((size.Width-w)/2, (size.Height-h)/2)
	for _, o := range objs {
		o.Move(pos)
		o.Resize(fyne.NewSize(w, h))
	}
}

func (l *thumbLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(l.min, l.min) }

// originalCaption says when the original's thumbnail is stretched (an
// aspect beyond maxThumbAspect).
func originalCaption(in *session.Input) string {
	if in.Original == nil {
		return "original"
	}
	b := in.Original.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > maxThumbAspect*h || h > maxThumbAspect*w {
		return "original (stretched)"
	}
	return "original"
}
