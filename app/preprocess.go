package app

import (
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/session"
)

// prefPreprocess prefixes the preference that remembers the preprocessing
// chosen for one model file (the key ends with the file's path).
const prefPreprocess = "preprocess:"

// preprocessFor returns the preset remembered for the model file at path
// ("" if none).
func (u *UI) preprocessFor(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	return u.app.Preferences().String(prefPreprocess + abs)
}

func (u *UI) rememberPreprocess(path, preset string) {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	u.app.Preferences().SetString(prefPreprocess+abs, preset)
}

// presetLabel is a preset's radio label: its name and what it does.
func presetLabel(p session.Preset) string { return p.Name + " — " + p.Help }

// askPreprocess asks how images become the input of the model file at
// path (an ONNX file records none), with current selected, and calls
// choose with the preset picked (not if the user cancels).
func (u *UI) askPreprocess(path, current string, choose func(preset string)) {
	presets := session.Presets()
	labels := make([]string, len(presets))
	for i, p := range presets {
		labels[i] = presetLabel(p)
		if p.Name == current || (current == "" && i == 0) {
			current = labels[i]
		}
	}
	// Choosing gives the focus back to the window, so that Enter then
	// answers Open (a focused radio item took the key and did nothing).
	radio := widget.NewRadioGroup(labels, func(string) { u.win.Canvas().Unfocus() })
	radio.Required = true
	radio.SetSelected(current)
	note := widget.NewLabel("An ONNX file does not say how pixels become its input. Convscope remembers your choice for this file; change it any time in the side panel.")
	note.Wrapping = fyne.TextWrapWord
	content := container.NewVBox(note, radio)
	d := dialog.NewCustomConfirm("Preprocessing for "+filepath.Base(path), "Open", "Cancel", content, func(ok bool) {
		if !ok {
			return
		}
		for i, l := range labels {
			if l == radio.Selected {
				choose(presets[i].Name)
			}
		}
	}, u.win)
	d.Resize(fyne.NewSize(640, 280))
	u.preprocessDialog = d
	u.answerWithKeys(d, d.Confirm)
	d.Show()
}

// changePreprocess lets the user pick another preset for the model on
// screen (an ONNX model) and applies it at once.
func (u *UI) changePreprocess() {
	m := u.ses.Model()
	if m.Preprocess == "" {
		return
	}
	u.askPreprocess(m.Path, m.Preprocess, func(preset string) {
		if err := u.ses.SetPreprocess(preset); err != nil {
			u.showError("Cannot change the preprocessing", err)
			return
		}
		if m.Path != "" {
			u.rememberPreprocess(m.Path, preset)
		}
		u.modelChanged()
	})
}

// preprocessText describes the model's preprocessing for the side panel.
func preprocessText(m *session.Model) string {
	if m.Preprocess == "" {
		return ""
	}
	for _, p := range session.Presets() {
		if p.Name == m.Preprocess {
			return fmt.Sprintf("Preprocessing: %s — %s", p.Name, p.Help)
		}
	}
	if m.Preprocess == session.PresetRecorded {
		return "Preprocessing: as the file records it (its own rescale, mean and std)"
	}
	return "Preprocessing: " + m.Preprocess
}

// showModelSummary shows Keras' summary of the model on screen in a
// dialog: each layer's output shape and parameters, and for a graph what
// it is connected to.
func (u *UI) showModelSummary() {
	label := u.ses.Model().Label
	u.ses.ModelSummary(func(text string) {
		l := widget.NewLabel(text)
		l.TextStyle.Monospace = true
		d := dialog.NewCustom("Summary of "+label, "Close", container.NewScroll(l), u.win)
		d.Resize(fyne.NewSize(1000, 640))
		u.summaryDialog = d
		u.closeWithKeys(d, fyne.KeyEscape)
		d.Show()
	})
}
