// Package app is Convscope's Fyne user interface. It only presents: every
// computation lives in nn and internal packages.
package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/assets"
)

// Title is the main window's title.
const Title = "Convscope"

// NewMainWindow creates the Convscope window on a.
func NewMainWindow(a fyne.App) fyne.Window {
	w := a.NewWindow(Title)
	w.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w.SetContent(container.NewCenter(widget.NewLabel("Convscope")))
	w.Resize(fyne.NewSize(1200, 800))
	return w
}
