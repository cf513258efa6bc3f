package app

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/session"
)

type sessionExemplar = session.Exemplar

// findExemplars asks for a folder and scans it for every channel's top 9
// images, with a progress dialog that can cancel.
func (u *UI) findExemplars() {
	u.chooseFolder("Choose image folder to scan", "Scan", u.scanExemplars)
}

// scanExemplars scans dir with a progress dialog whose Cancel button, or
// Escape (it took no keys), stops the scan.
func (u *UI) scanExemplars(dir string) {
	bar := widget.NewProgressBar()
	label := widget.NewLabel("Scanning " + dir)
	var cancel func()
	d := dialog.NewCustom("Finding exemplars", "Cancel", container.NewVBox(label, bar), u.win)
	d.SetOnClosed(func() {
		if cancel != nil {
			cancel()
		}
	})
	u.closeWithKeys(d, fyne.KeyEscape)
	d.Show()
	cancel = u.ses.FindExemplars(dir, func(done, total int) {
		bar.SetValue(float64(done) / float64(max(total, 1)))
		label.SetText(fmt.Sprintf("Scanning %s: %d of %d images", dir, done, total))
	}, func(images int, err error) {
		cancel = nil
		d.Hide()
		u.exemplarsDone(dir, images, err)
	})
}

// exemplarsDone says how a scan of dir ended. Cancel is not an error: it
// used to open a "Cannot find exemplars: context canceled" dialog.
func (u *UI) exemplarsDone(dir string, images int, err error) {
	switch {
	case errors.Is(err, context.Canceled):
		u.setStatus("Finding exemplars in " + dir + " cancelled")
	case err != nil:
		u.showError("Cannot find exemplars", err)
	default:
		u.setStatus(fmt.Sprintf("Exemplars found in %d images of %s: tap a channel to see its top 9", images, dir))
	}
}

// addExemplars appends the channel's top images (patch boxed) to an open
// inspector when a scan has been made.
func (u *UI) addExemplars(in *inspector, layer string, ch int) {
	if !u.ses.HasExemplars() {
		return
	}
	box, ok := in.obj.(*fyne.Container)
	if !ok {
		return
	}
	u.ses.Exemplars(layer, ch, func(ex []sessionExemplar) {
		if len(ex) == 0 {
			return
		}
		grid := container.NewGridWithColumns(3)
		for _, e := range ex {
			img := canvas.NewImageFromImage(e.Image)
			img.FillMode = canvas.ImageFillContain
			img.SetMinSize(fyne.NewSize(96, 96))
			grid.Add(container.NewBorder(nil, caption(fmt.Sprintf("%.3g", e.Value)), nil, nil, img))
		}
		title := widget.NewLabel("Top images (patch boxed)")
		title.TextStyle.Bold = true
		box.Add(container.NewVBox(title, grid))
		box.Refresh()
	})
}
