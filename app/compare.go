package app

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/session"
)

// comparePanel is the Compare tab: pin the frame on screen, then show
// another image, load other weights (another model file of the same
// architecture) or train on, and compare: per layer the pinned and the
// current sheets side by side, their difference, and the channels ranked
// by how much they changed (exportable as CSV).
type comparePanel struct {
	u      *UI
	pinned *session.Frame
	pinL   *widget.Label
	result *session.Comparison
	export *widget.Button
	body   *fyne.Container
	obj    fyne.CanvasObject
}

func newComparePanel(u *UI) *comparePanel {
	p := &comparePanel{u: u, pinL: widget.NewLabel("Nothing pinned."), body: container.NewVBox()}
	p.export = widget.NewButton("Export Ranking (CSV)…", p.exportCSV)
	p.export.Disable()
	bar := container.NewHBox(widget.NewButton("Pin Current", p.pin), widget.NewButton("Compare with Current", p.compare), p.export, p.pinL)
	help := widget.NewLabel("Pin an image, then open another image — or load another model file of the same architecture, or train on — and compare. Channels are ranked by the L2 norm of the difference of their standardised maps.")
	help.Wrapping = fyne.TextWrapWord
	p.obj = container.NewBorder(container.NewVBox(bar, help), nil, nil, nil, container.NewVScroll(p.body))
	return p
}

func (p *comparePanel) object() fyne.CanvasObject { return p.obj }

// frameName says what a frame shows: image and model.
func frameName(f *session.Frame) string {
	s := f.Input.Name + " · " + f.Model.Label
	if f.Live {
		s += " (training)"
	}
	return s
}

func (p *comparePanel) pin() {
	f := p.u.frame
	if f == nil || f.Input == nil {
		p.u.showError("Nothing to pin", errors.New("open an image first"))
		return
	}
	p.pinL.SetText("Pinning " + frameName(f) + "…")
	p.u.ses.Pin(f, func(f *session.Frame, err error) {
		if err != nil {
			p.pinL.SetText("")
			p.u.showError("Could not pin", err)
			return
		}
		p.pinned = f
		p.pinL.SetText("Pinned: " + frameName(f))
	})
}

func (p *comparePanel) compare() {
	a, b := p.pinned, p.u.frame
	if a == nil || b == nil {
		p.u.showError("Nothing to compare", errors.New("pin an image first, then show another image or other weights"))
		return
	}
	p.u.ses.Compare(a, b, frameName(a), frameName(b), func(c *session.Comparison, err error) {
		if err != nil {
			p.u.showError("Cannot compare", err)
			return
		}
		p.show(c)
	})
}

// show lays a comparison out: per layer, the top channels and the three
// sheets.
func (p *comparePanel) show(c *session.Comparison) {
	p.result = c
	p.export.Enable()
	p.body.RemoveAll()
	for _, l := range c.Layers {
		var top []string
		for _, ch := range l.Changes[:min(5, len(l.Changes))] {
			top = append(top, fmt.Sprintf("%d (%.1f)", ch.Channel, ch.L2))
		}
		head := widget.NewLabel(fmt.Sprintf("%s — most changed channels (L2): %s", l.Name, strings.Join(top, ", ")))
		head.TextStyle.Bold = true
		img := func(label string, im fyne.CanvasObject) fyne.CanvasObject {
			return container.NewBorder(nil, caption(label), nil, nil, im)
		}
		sheet := func(src *canvas.Image) *canvas.Image {
			src.FillMode = canvas.ImageFillContain
			src.ScaleMode = canvas.ImageScalePixels
			b := src.Image.Bounds()
			w := float32(300)
			src.SetMinSize(fyne.NewSize(w, w*float32(b.Dy())/float32(max(b.Dx(), 1))))
			return src
		}
		row := container.NewGridWithColumns(3,
			img("pinned: "+c.A, sheet(canvas.NewImageFromImage(l.A))),
			img("current: "+c.B, sheet(canvas.NewImageFromImage(l.B))),
			img("difference (standardised, "+session.DiffColormap+")", sheet(canvas.NewImageFromImage(l.Diff))))
		p.body.Add(head)
		p.body.Add(row)
	}
	p.body.Refresh()
	p.u.setStatus("Compared " + c.A + " with " + c.B)
}

func (p *comparePanel) exportCSV() {
	c := p.result
	if c == nil {
		return
	}
	p.u.saveFile("Export Ranking", "compare-ranking.csv", []string{".csv"}, func(path string) {
		p.u.ses.SaveComparisonCSV(c, path, func(err error) {
			if err != nil {
				p.u.showError("Export failed", err)
				return
			}
			p.u.setStatus("Exported " + path)
		})
	})
}
