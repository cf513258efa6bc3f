package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// unsavedTraining reports whether the model on screen was trained (or
// built by transfer learning) in this window and not saved since: the
// session labels such a model "trained here (unsaved)" or "transfer model
// (unsaved)", and saving relabels it with the file's name.
func (u *UI) unsavedTraining() bool { return strings.HasSuffix(u.modelLabel, "(unsaved)") }

// confirmDiscard runs then at once or, when the model on screen holds
// training that is not saved and action (Opening a model, Quitting, …)
// would throw it away, after asking: Save… (then goes on once the file is
// written; cancelling the file dialog does nothing), Discard, or Cancel
// and Escape (nothing happens). Without it a finished run — minutes or
// hours of training — was lost to File ▸ Use Built-in Model, Open Model
// or Quit without a word.
func (u *UI) confirmDiscard(action string, then func()) {
	if !u.unsavedTraining() || u.skipDiscardQuestion {
		then()
		return
	}
	msg := fmt.Sprintf("The model on screen — %s — was trained here and is not saved to a file. %s now loses its training; Save… keeps it.", u.modelLabel, action)
	d := dialog.NewCustomWithoutButtons("Discard the trained model?", widget.NewLabel(wrapText(msg, 64)), u.win)
	save := widget.NewButton("Save…", func() {
		d.Hide()
		u.saveFile("Save Model", "model.safetensors", []string{".safetensors"}, func(path string) { u.saveModel(path, then) })
	})
	save.Importance = widget.HighImportance
	discard := widget.NewButton("Discard", func() { d.Hide(); then() })
	cancel := widget.NewButton("Cancel", d.Hide)
	d.SetButtons([]fyne.CanvasObject{cancel, discard, save})
	u.answerWithKeys(d, nil) // Enter never discards
	u.discardModelDialog = d
	d.Show()
}
