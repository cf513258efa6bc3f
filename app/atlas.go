package app

import (
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

// atlasPanel is the Atlas tab: for a chosen layer, one picture per channel
// of what excites it most (activation maximisation), computed in the
// background with progress and cancel, or read from the model file's cache.
type atlasPanel struct {
	u        *UI
	layer    *tipSelect
	run      *widget.Button
	cancel   *widget.Button
	progress *widget.ProgressBar
	note     *widget.Label
	tiles    *fyne.Container
	stop     func()
	obj      fyne.CanvasObject
}

func newAtlasPanel(u *UI) *atlasPanel {
	p := &atlasPanel{u: u, progress: widget.NewProgressBar(), note: widget.NewLabel("")}
	p.layer = newSelect(u.ses.AtlasLayers(), u.win, nil)
	p.layer.SetSelected(u.ses.DefaultAtlasLayer())
	p.run = widget.NewButton("Compute", p.start)
	p.cancel = widget.NewButton("Cancel", p.stopRun)
	p.cancel.Disable()
	p.note.Wrapping = fyne.TextWrapWord
	p.note.SetText(fmt.Sprintf("Each tile is an image optimised to excite one channel (%d steps of gradient ascent on its mean activation, from noise, with jitter, scale, rotation and blur). A red frame marks a channel that stays flat.", session.AtlasSteps))
	p.tiles = container.NewGridWithColumns(atlasCols)
	bar := container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel("Layer"), p.layer, p.run, p.cancel), nil, p.progress)
	p.obj = container.NewBorder(container.NewVBox(bar, p.note), nil, nil, nil, container.NewVScroll(p.tiles))
	return p
}

func (p *atlasPanel) object() fyne.CanvasObject { return p.obj }

// start computes (or reads) the chosen layer's atlas.
func (p *atlasPanel) start() {
	p.layer.Options = p.u.ses.AtlasLayers() // the model may have changed
	layer := p.layer.Selected
	if layer == "" {
		return
	}
	p.stopRun()
	p.run.Disable()
	p.cancel.Enable()
	p.progress.SetValue(0)
	p.stop = p.u.ses.Atlas(layer, func(pr session.AtlasProgress) {
		if pr.Total > 0 {
			p.progress.SetValue(float64(pr.Done) / float64(pr.Total))
		}
	}, func(tiles []session.AtlasTile, err error) {
		p.run.Enable()
		p.cancel.Disable()
		p.stop = nil
		if err != nil {
			p.u.setStatus("Atlas: " + err.Error())
			return
		}
		p.progress.SetValue(1)
		p.show(layer, tiles)
	})
}

// shown displays the chosen layer's cached atlas, if the model file has
// one for its current weights, when nothing is on the tab yet.
func (p *atlasPanel) shown() {
	layer := p.layer.Selected
	if p.stop != nil || len(p.tiles.Objects) > 0 || layer == "" {
		return
	}
	p.u.ses.CachedAtlas(layer, func(tiles []session.AtlasTile) {
		if len(tiles) > 0 && len(p.tiles.Objects) == 0 && p.stop == nil {
			p.progress.SetValue(1)
			p.show(layer, tiles)
		}
	})
}

// modelChanged clears the tab: its pictures belong to the old weights.
func (p *atlasPanel) modelChanged() {
	p.stopRun()
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

// stopRun cancels a computation in progress.
func (p *atlasPanel) stopRun() {
	if p.stop != nil {
		p.stop()
		p.stop = nil
	}
}

// show lays the tiles out, 16 per row, flat channels framed in red.
func (p *atlasPanel) show(layer string, tiles []session.AtlasTile) {
	p.tiles.RemoveAll()
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
	p.u.setStatus(fmt.Sprintf("Atlas of %s: %d channels, %d flat", layer, len(tiles), flat))
}
