package app

import (
	"context"
	"errors"
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/session"
)

// atlasCols is the number of tiles per row, as the grid's 16.
const atlasCols = 16

// prefAtlasParam remembers the Atlas page's image parameterisation
// (session.AtlasPixel or session.AtlasFourier).
const prefAtlasParam = "atlas.param"

// atlasParams are the parameterisation drop-down's choices, in order,
// with what each runs.
var atlasParams = []struct{ label, param, note string }{
	{"Pixels + blur", session.AtlasPixel, "from noise, with jitter and a blur every 4 steps"},
	{"Fourier (Lucid)", session.AtlasFourier, "on 1/f-scaled Fourier coefficients in decorrelated colour (Olah et al., Distill 2017), with jitter, scale and rotation"},
}

// atlasParamOf returns the parameterisation of a drop-down label
// (AtlasPixel for an unknown one) and its label of a parameterisation.
func atlasParamOf(label string) string {
	for _, p := range atlasParams {
		if p.label == label {
			return p.param
		}
	}
	return session.AtlasPixel
}

func atlasLabelOf(param string) string {
	for _, p := range atlasParams {
		if p.param == param {
			return p.label
		}
	}
	return atlasParams[0].label
}

// atlasPanel is the Atlas tab: for a chosen layer, one picture per channel
// of what excites it most (activation maximisation), computed in the
// background with progress and cancel, or read from the model file's cache.
type atlasPanel struct {
	u        *UI
	layer    *tipSelect
	param    *tipSelect // image parameterisation (atlasParams)
	run      *widget.Button
	cancel   *widget.Button
	progress *widget.ProgressBar
	note     *widget.Label
	tiles    *fyne.Container
	shownAs  string // the parameterisation of the tiles on screen
	stop     func()
	gen      int // counts computations started or abandoned: a late answer of an older one is dropped
	obj      fyne.CanvasObject
}

func newAtlasPanel(u *UI) *atlasPanel {
	p := &atlasPanel{u: u, progress: widget.NewProgressBar(), note: widget.NewLabel("")}
	p.layer = newSelect(u.ses.AtlasLayers(), u.win, nil)
	p.layer.SetSelected(u.ses.DefaultAtlasLayer())
	var labels []string
	for _, o := range atlasParams {
		labels = append(labels, o.label)
	}
	p.param = newTipSelect(labels, "How the optimised image is represented: its pixels, blurred every few steps (Keras, DeepVis), or decorrelated-colour Fourier coefficients (Lucid): smoother, larger shapes", newTipper(u.win), nil)
	p.param.PlaceHolder = labels[1] // Fyne sizes a drop-down by its placeholder: the longest label fits
	p.param.SetSelected(atlasLabelOf(u.app.Preferences().StringWithFallback(prefAtlasParam, session.AtlasPixel)))
	p.param.OnChanged = func(string) { p.paramChanged() }
	p.run = widget.NewButton("Compute", p.start)
	p.cancel = widget.NewButton("Cancel", p.stopRun)
	p.cancel.Disable()
	p.note.Wrapping = fyne.TextWrapWord
	p.setNote()
	p.tiles = container.NewGridWithColumns(atlasCols)
	bar := container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel("Layer"), p.layer, widget.NewLabel("Image"), p.param, p.run, p.cancel), nil, p.progress)
	p.obj = container.NewBorder(container.NewVBox(bar, p.note), nil, nil, nil, container.NewVScroll(p.tiles))
	return p
}

func (p *atlasPanel) object() fyne.CanvasObject { return p.obj }

// paramValue is the chosen image parameterisation.
func (p *atlasPanel) paramValue() string { return atlasParamOf(p.param.Selected) }

func (p *atlasPanel) setNote() {
	how := atlasParams[0].note
	for _, o := range atlasParams {
		if o.param == p.paramValue() {
			how = o.note
		}
	}
	p.note.SetText(fmt.Sprintf("Each tile is an image optimised to excite one channel (%d steps of gradient ascent on its mean activation, %s). A red frame marks a channel that stays flat.", session.AtlasSteps, how))
}

// paramChanged remembers the parameterisation and replaces the tiles of the
// other one: a computation in progress stops, and the new
// parameterisation's cached atlas, if the model file has one, shows.
func (p *atlasPanel) paramChanged() {
	param := p.paramValue()
	p.u.app.Preferences().SetString(prefAtlasParam, param)
	p.setNote()
	if p.stop == nil && param == p.shownAs && len(p.tiles.Objects) > 0 {
		return
	}
	p.abandon()
	p.tiles.RemoveAll()
	p.progress.SetValue(0)
	p.u.setStatus(fmt.Sprintf("Atlas image: %s (Compute makes the atlas unless the model file has it)", p.param.Selected))
	p.shown()
}

// start computes (or reads) the chosen layer's atlas.
func (p *atlasPanel) start() {
	p.layer.Options = p.u.ses.AtlasLayers() // the model may have changed
	layer, param := p.layer.Selected, p.paramValue()
	if layer == "" {
		return
	}
	p.abandon()
	g := p.gen
	p.run.Disable()
	p.cancel.Enable()
	p.progress.SetValue(0)
	p.stop = p.u.ses.Atlas(layer, param, func(pr session.AtlasProgress) {
		if pr.Total > 0 {
			p.progress.SetValue(float64(pr.Done) / float64(pr.Total))
		}
	}, func(tiles []session.AtlasTile, err error) {
		if g != p.gen {
			return // abandoned: another computation, parameterisation or model
		}
		p.run.Enable()
		p.cancel.Disable()
		p.stop = nil
		if errors.Is(err, context.Canceled) { // the Cancel button
			p.progress.SetValue(0)
			p.u.setStatus("Atlas of " + layer + " cancelled")
			return
		}
		if err != nil {
			p.u.setStatus("Atlas: " + err.Error())
			return
		}
		p.progress.SetValue(1)
		p.show(layer, param, tiles)
	})
}

// shown displays the chosen layer's cached atlas, if the model file has
// one for its current weights, when nothing is on the tab yet.
func (p *atlasPanel) shown() {
	layer, param := p.layer.Selected, p.paramValue()
	if p.stop != nil || len(p.tiles.Objects) > 0 || layer == "" {
		return
	}
	p.u.ses.CachedAtlas(layer, param, func(tiles []session.AtlasTile) {
		if len(tiles) > 0 && len(p.tiles.Objects) == 0 && p.stop == nil && param == p.paramValue() {
			p.progress.SetValue(1)
			p.show(layer, param, tiles)
		}
	})
}

// modelChanged clears the tab: its pictures belong to the old weights.
func (p *atlasPanel) modelChanged() {
	p.abandon()
	p.tiles.RemoveAll()
	p.progress.SetValue(0)
	p.layer.Options = p.u.ses.AtlasLayers()
	if !containsName(p.layer.Options, p.layer.Selected) {
		p.layer.SetSelected(p.u.ses.DefaultAtlasLayer())
	}
	if p.u.tabs != nil && p.u.tabs.Selected() != nil && p.u.tabs.Selected().Text == "Atlas" {
		p.shown()
	}
}

func containsName(names []string, n string) bool {
	for _, v := range names {
		if v == n {
			return true
		}
	}
	return false
}

// stopRun cancels a computation in progress (the Cancel button): its
// answer, context.Canceled, re-enables Compute and says so.
func (p *atlasPanel) stopRun() {
	if p.stop != nil {
		p.stop()
		p.stop = nil
	}
}

// abandon cancels a computation in progress whose answer is no longer
// wanted (a new computation, parameterisation or model): the answer is
// dropped and the buttons are reset now.
func (p *atlasPanel) abandon() {
	p.gen++
	if p.stop != nil {
		p.stopRun()
		p.run.Enable()
		p.cancel.Disable()
	}
}

// show lays the tiles out, 16 per row, flat channels framed in red.
func (p *atlasPanel) show(layer, param string, tiles []session.AtlasTile) {
	p.tiles.RemoveAll()
	p.shownAs = param
	flat := 0
	for _, t := range tiles {
		img := canvas.NewImageFromImage(t.Image)
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(56, 56))
		var cell fyne.CanvasObject = img
		if t.Flat {
			flat++
			frame := canvas.NewRectangle(color.Transparent)
			frame.StrokeColor, frame.StrokeWidth = color.NRGBA{220, 40, 40, 255}, 2
			cell = container.NewStack(img, frame)
		}
		p.tiles.Add(cell)
	}
	p.tiles.Refresh()
	p.u.setStatus(fmt.Sprintf("Atlas of %s (%s): %d channels, %d flat", layer, atlasLabelOf(param), len(tiles), flat))
}
