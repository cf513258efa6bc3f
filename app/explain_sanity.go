package app

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/session"
)

// sanityCheck shows the chosen method's map with the model's weights
// randomised from the top layer down, side by side (Adebayo et al. 2018):
// a map that does not change does not explain the model.
func (p *explainPanel) sanityCheck() {
	if p.u.frame == nil {
		p.u.showError("Nothing to check", errors.New("open an image first"))
		return
	}
	p.sanity.Disable()
	p.u.setStatus("Sanity check: explaining with the weights randomised layer by layer…")
	p.u.ses.SanityCheck(p.options(), func(imgs []session.SanityImage, err error) {
		p.sanity.Enable()
		if err != nil {
			p.u.showError("Sanity check failed", err)
			return
		}
		cells := make([]fyne.CanvasObject, len(imgs))
		for i, im := range imgs {
			c := canvas.NewImageFromImage(im.Overlay)
			c.ScaleMode = canvas.ImageScalePixels
			c.FillMode = canvas.ImageFillContain
			c.SetMinSize(fyne.NewSize(180, 180))
			caption := "the model as trained"
			if im.Randomized != "" {
				caption = fmt.Sprintf("random from %s down\nrank correlation %.2f", im.Randomized, im.Spearman)
			}
			if im.Note != "" {
				caption += "\n(flat map)"
			}
			cells[i] = container.NewVBox(c, widget.NewLabel(caption))
		}
		intro := widget.NewLabel("The same map with the weights redrawn from the output layer down. A map that still looks the same\n(rank correlation near 1) does not depend on what the model learned (Adebayo et al. 2018).")
		p.sanityView = container.NewBorder(intro, nil, nil, nil, container.NewHScroll(container.NewHBox(cells...)))
		d := dialog.NewCustom("Sanity check — "+methodLabels[p.method.SelectedIndex()], "Close", p.sanityView, p.u.win)
		d.Resize(fyne.NewSize(1000, 420))
		p.u.closeWithKeys(d, fyne.KeyEscape)
		d.Show()
		p.u.setStatus("Sanity check done")
	})
}
