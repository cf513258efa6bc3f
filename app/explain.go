package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/session"
)

// explainPanel is the Explain tab: a heat map of why the model predicted
// what it did for the image on screen (internal/explain through the
// session), with method, class, target layer, colormap and opacity, the
// value under the mouse, a colour bar, and export of the overlay (PNG) and
// the raw map (.npy). Grad-CAM and Grad-CAM++ follow the image, the model
// and, while training runs, the live weights; the slower methods run when
// asked, with progress and cancel.
type explainPanel struct {
	u *UI

	method, class, layer, cmap *tipSelect
	opacity                    *widget.Slider
	run, stop, png, npy        *widget.Button
	sanity                     *widget.Button
	sanityView                 fyne.CanvasObject // the last sanity check's content (tests)
	progress                   *widget.ProgressBar
	view                       *channelView
	holder                     *fyne.Container
	bar                        *canvas.Image
	info, value                *widget.Label
	original                   *widget.Check // show the original's aspect

	cur     *session.Explanation // on screen
	cancel  func()               // the running explanation's, or nil
	again   bool                 // a new frame arrived while one was running
	shown   bool                 // the tab is visible
	model   *session.Model       // whose classes and layers the selects list
	classes []string
	input   *session.Input // the image on screen (a new one for a new image or model)
	asked   *session.Input // the image the running explanation was asked for
}

const (
	predictedLabel = "predicted"
	defaultLayer   = "default"
	explainScale   = 3 // screen pixels per input pixel of the tutorial's 150×150 input (explainViewSize)
)

// methodLabels names the methods in the method select, in
// session.ExplainMethods order.
var methodLabels = []string{"Grad-CAM", "Grad-CAM++", "Guided backprop", "Guided Grad-CAM", "Saliency (gradient)", "SmoothGrad", "Integrated Gradients"}

func newExplainPanel(u *UI) *explainPanel {
	p := &explainPanel{u: u}
	p.method = newSelect(methodLabels, u.win, func(string) { p.refresh() })
	p.method.SetSelectedIndex(0)
	p.class = newSelect([]string{predictedLabel}, u.win, func(string) { p.refresh() })
	p.class.SetSelectedIndex(0)
	p.layer = newSelect([]string{defaultLayer}, u.win, func(string) { p.refresh() })
	p.layer.PlaceHolder = "default: the last convolution"
	p.layer.SetSelectedIndex(0)
	p.cmap = newSelect(session.Colormaps(), u.win, func(string) { p.refresh() })
	p.cmap.SetSelected("turbo")
	p.opacity = widget.NewSlider(0, 1)
	p.opacity.Step = 0.05
	p.opacity.SetValue(0.5)
	p.opacity.OnChangeEnded = func(float64) { p.refresh() }
	p.run = widget.NewButton("Explain", p.start)
	p.run.Importance = widget.HighImportance
	p.stop = widget.NewButton("Cancel", p.cancelRun)
	p.stop.Disable()
	p.sanity = widget.NewButton("Sanity check…", p.sanityCheck)
	p.png = widget.NewButton("Export overlay PNG…", func() { p.export(false) })
	p.npy = widget.NewButton("Export raw map (.npy)…", func() { p.export(true) })
	p.original = widget.NewCheck("Original image and aspect", func(bool) { p.showImage() })
	p.progress = widget.NewProgressBar()
	p.progress.Hide()
	p.info = widget.NewLabel("Open an image: the heat map shows which pixels made the model say what it said.")
	p.info.Wrapping = fyne.TextWrapWord
	p.value = widget.NewLabel(" ")
	blank := image.NewRGBA(image.Rect(0, 0, 1, 1))
	p.view = newChannelView(blank, p.hover, 1, 1)
	p.holder = container.NewGridWrap(fyne.NewSize(150*explainScale, 150*explainScale), p.view)
	p.bar = canvas.NewImageFromImage(blank)
	p.bar.ScaleMode = canvas.ImageScalePixels
	p.bar.FillMode = canvas.ImageFillStretch
	p.bar.SetMinSize(fyne.NewSize(150*explainScale, 14))
	return p
}

func (p *explainPanel) object() fyne.CanvasObject {
	form := widget.NewForm(
		widget.NewFormItem("Method", p.method),
		widget.NewFormItem("Class", p.class),
		widget.NewFormItem("Layer", p.layer),
		widget.NewFormItem("Colormap", p.cmap),
		widget.NewFormItem("Opacity", p.opacity),
	)
	controls := container.NewVBox(form, p.original, container.NewHBox(p.run, p.stop), p.progress, p.sanity, widget.NewSeparator(), p.png, p.npy)
	scale := container.NewBorder(nil, nil, widget.NewLabel("0"), widget.NewLabel("maximum"))
	right := container.NewVBox(p.holder, p.bar, scale, p.value, p.info)
	// Scrolls both ways: every tab works in a 900×600 window (issue #17).
	return container.NewScroll(container.NewHBox(container.NewPadded(controls), widget.NewSeparator(), container.NewPadded(right)))
}

// options reads the controls.
func (p *explainPanel) options() session.ExplainOptions {
	o := session.ExplainOptions{Class: -1, Colormap: p.cmap.Selected, Opacity: p.opacity.Value}
	if i := p.method.SelectedIndex(); i >= 0 {
		o.Method = session.ExplainMethods()[i]
	}
	if i := p.class.SelectedIndex(); i > 0 {
		o.Class = i - 1
	}
	if i := p.layer.SelectedIndex(); i > 0 {
		o.Layer = p.layer.Selected
	}
	return o
}

// fast reports whether the chosen method is one backward pass to a layer
// (cheap enough to follow every frame).
func (p *explainPanel) fast() bool {
	m := p.options().Method
	return m == "gradcam" || m == "gradcam++"
}

// setFrame follows a new frame: new model → new class and layer lists;
// Grad-CAM is redone for the new image or live weights while the tab is
// visible.
func (p *explainPanel) setFrame(f *session.Frame) {
	if f.Model != p.model {
		p.model = f.Model
		p.classes = session.ClassNames(f.Model)
		p.class.Options = append([]string{predictedLabel}, p.classes...)
		p.class.SetSelectedIndex(0)
		layers, _ := p.u.ses.ExplainLayersOf(f.Model)
		p.layer.Options = append([]string{defaultLayer}, layers...)
		p.layer.SetSelectedIndex(0)
	}
	if f.Input != p.input {
		p.input = f.Input
		if !p.fast() {
			p.clearStale()
		}
	}
	if p.shown && p.fast() {
		p.start()
	}
}

// clearStale takes a slow method's map off screen when another image (or
// model) comes: it explained the previous one, and Explain would run for a
// while before replacing it. The fast methods follow the image at once.
func (p *explainPanel) clearStale() {
	p.cur = nil
	blank := image.NewRGBA(image.Rect(0, 0, 1, 1))
	p.view.img.Image = blank
	p.view.h, p.view.w = 1, 1
	p.view.Refresh()
	p.value.SetText(" ") // the colour bar stays: it is the colormap's
	p.info.SetText(fmt.Sprintf("New image: press Explain to run %s on it.", methodLabels[p.method.SelectedIndex()]))
}

// setShown is called when the tab is selected or left.
func (p *explainPanel) setShown(on bool) {
	p.shown = on
	if on && p.u.frame != nil && (p.cur == nil || p.fast()) {
		p.start()
	}
}

// refresh reruns a fast method when a control changes.
func (p *explainPanel) refresh() {
	if p.shown && p.u.frame != nil && p.fast() {
		p.start()
	}
}

// start asks the session for an explanation; while one runs, a new
// request waits for it (only the last is kept).
func (p *explainPanel) start() {
	if p.cancel != nil {
		p.again = true
		return
	}
	o := p.options()
	slow := !p.fast()
	if slow {
		p.progress.SetValue(0)
		p.progress.Show()
	}
	p.run.Disable()
	p.stop.Enable()
	p.asked = p.input
	p.cancel = p.u.ses.Explain(o, func(done, total int) { p.progress.SetValue(float64(done) / float64(total)) }, p.show)
}

func (p *explainPanel) cancelRun() {
	if p.cancel != nil {
		p.cancel()
	}
}

// show puts an explanation on screen (UI goroutine).
func (p *explainPanel) show(e *session.Explanation) {
	p.cancel = nil
	p.progress.Hide()
	p.run.Enable()
	p.stop.Disable()
	if p.again {
		p.again = false
		if p.fast() {
			p.start()
		}
	}
	if errors.Is(e.Err, context.Canceled) { // the Cancel button: not an error
		p.info.SetText("Cancelled: press Explain to start again.")
		return
	}
	if e.Err != nil {
		p.info.SetText("No explanation: " + e.Err.Error())
		return
	}
	if p.asked != p.input && !p.fast() { // finished after another image came
		p.clearStale()
		return
	}
	p.cur = e
	p.showImage()
	p.bar.Image = e.ColorBar
	p.bar.Refresh()
	lines := []string{fmt.Sprintf("%s of %s (predicted: %s), score (logit) %.4g, at %s · %d ms",
		methodLabels[p.method.SelectedIndex()], classPhrase(e.Class), e.Predicted, e.Score, e.Layer, e.Took.Milliseconds())}
	if e.Completeness != "" {
		lines = append(lines, "Completeness: "+e.Completeness)
	}
	if e.Heat.Note != "" {
		lines = append(lines, "Note: "+e.Heat.Note)
	}
	if e.Layer == "input" && e.Heat.H > 8 {
		lines = append(lines, "Pixels the prediction cannot depend on (a blind strip where pooling drops rows or columns) stay at the lowest colour.")
	}
	p.info.SetText(strings.Join(lines, "\n"))
}

// classPhrase is "class NAME", or the name alone when it already says
// "class" (the generic names of a file without class names: "Grad-CAM of
// class class 603" read as a typo).
func classPhrase(name string) string {
	if strings.HasPrefix(name, "class ") {
		return name
	}
	return "class " + name
}

// showImage shows the overlay over the network input, pixel for pixel, or
// over the original image with its true aspect, either 450 pixels on its
// longer side (3× the tutorial's 150×150 input).
func (p *explainPanel) showImage() {
	e := p.cur
	if e == nil {
		return
	}
	img := e.Overlay
	if p.original.Checked && e.Original != nil {
		img = e.Original
	}
	b := img.Bounds()
	size := explainViewSize(b.Dx(), b.Dy())
	p.view.img.Image = img
	p.view.h, p.view.w = b.Dy(), b.Dx()
	p.holder.Layout = layout.NewGridWrapLayout(size)
	p.holder.Refresh()
	p.view.Refresh()
}

// explainViewSize is the on-screen size of a w×h heat-map image: 450
// pixels on the longer side. The overlay was drawn at 3 screen pixels per
// input pixel, which made a 28×28 input (the Fashion-MNIST model) an 84-pixel
// picture in the corner of a 450-pixel frame and a 224×224 one (ImageNet
// models) larger than the frame and its colour bar.
func explainViewSize(w, h int) fyne.Size {
	f := 150 * explainScale / float32(max(w, h, 1))
	return fyne.NewSize(float32(w)*f, float32(h)*f)
}

// hover shows the map's value under the mouse (row and column of the
// image on screen, mapped back to the network input).
func (p *explainPanel) hover(row, col int, ok bool) {
	if p.cur == nil || !ok {
		p.value.SetText(" ")
		return
	}
	if h := p.cur.Heat; p.view.h != h.H || p.view.w != h.W {
		row, col = (2*row+1)*h.H/(2*p.view.h), (2*col+1)*h.W/(2*p.view.w)
	}
	n, v, in := p.cur.Heat.At(col, row)
	if !in {
		p.value.SetText(" ")
		return
	}
	p.value.SetText(fmt.Sprintf("pixel (%d, %d): %s (%.0f %% of the maximum)", row, col, fmtVal(float32(v)), 100*n))
}

// export saves the overlay or the raw map.
func (p *explainPanel) export(asNPY bool) {
	e := p.cur
	if e == nil {
		p.u.showError("Nothing to export", errors.New("explain an image first"))
		return
	}
	ext := ".png"
	if asNPY {
		ext = ".npy"
	}
	name := strings.ReplaceAll(e.Options.Method, "+", "p") + ext
	p.u.saveFile("Export Explanation", name, []string{ext}, func(path string) {
		p.u.ses.SaveExplanation(e, path, asNPY, func(err error) {
			if err != nil {
				p.u.showError("Export failed", err)
				return
			}
			p.u.setStatus("Saved " + path)
		})
	})
}
