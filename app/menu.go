package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/session"
)

// Keyboard shortcuts of the main actions.
var (
	scOpen      = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}
	scOpenModel = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	scSave      = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
	scExport    = &desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: fyne.KeyModifierShortcutDefault}
	scQuit      = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
	scZoomIn    = &desktop.CustomShortcut{KeyName: fyne.KeyEqual, Modifier: fyne.KeyModifierShortcutDefault}
	scZoomIn2   = &desktop.CustomShortcut{KeyName: fyne.KeyPlus, Modifier: fyne.KeyModifierShortcutDefault}
	scZoomOut   = &desktop.CustomShortcut{KeyName: fyne.KeyMinus, Modifier: fyne.KeyModifierShortcutDefault}
	scZoomReset = &desktop.CustomShortcut{KeyName: fyne.Key0, Modifier: fyne.KeyModifierShortcutDefault}
	scTrain     = &desktop.CustomShortcut{KeyName: fyne.KeyT, Modifier: fyne.KeyModifierShortcutDefault}
	scNextSamp  = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
)

// builtinMenu is File ▸ Use Built-in Model: one item per built-in model.
func (u *UI) builtinMenu() *fyne.MenuItem {
	m := fyne.NewMenuItem("Use Built-in Model", nil)
	for _, b := range session.BuiltinModels() {
		name := b.Name
		label := strings.ToUpper(name[:1]) + name[1:] + ": " + b.Description
		m.ChildMenu = appendItem(m.ChildMenu, label, u.guard("Use Built-in Model", func() { u.useBuiltin(name) }))
	}
	return m
}

func (u *UI) mainMenu() *fyne.MainMenu {
	item := func(label string, sc fyne.Shortcut, fn func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, u.guard(label, fn))
		it.Shortcut = sc
		return it
	}
	quit := item("Quit", scQuit, u.onClose)
	quit.IsQuit = true
	file := fyne.NewMenu("File",
		item("Open Image…", scOpen, u.openImageDialog),
		item("Next Sample", scNextSamp, u.nextSample),
		fyne.NewMenuItemSeparator(),
		item("Open Model…", scOpenModel, u.openModelDialog),
		item("Save Model…", scSave, u.saveModelDialog),
		u.builtinMenu(),
		fyne.NewMenuItemSeparator(),
		item("Export Grid as PNG…", scExport, func() { u.exportGrid(false) }),
		item("Export One PNG per Layer…", nil, func() { u.exportGrid(true) }),
		item("Export Activations (.npy)…", nil, u.exportNPY),
		item("Export History (CSV)…", nil, u.training.exportCSV),
		item("Find Exemplars in Folder…", nil, u.findExemplars),
		fyne.NewMenuItemSeparator(),
		quit,
	)
	cmaps := fyne.NewMenuItem("Colormap", nil)
	for _, name := range session.Colormaps() {
		name := name
		cmaps.ChildMenu = appendItem(cmaps.ChildMenu, name, u.guard("Colormap", func() { u.grid.setColormap(name) }))
	}
	scales := fyne.NewMenuItem("Scale", nil)
	for i, name := range scaleLabels {
		mode := session.ScaleMode(i)
		scales.ChildMenu = appendItem(scales.ChildMenu, name, u.guard("Scale", func() { u.grid.setScale(mode) }))
	}
	view := fyne.NewMenu("View",
		cmaps, scales, u.themeMenu(),
		fyne.NewMenuItemSeparator(),
		item("Zoom In", scZoomIn, func() { u.zoom(1.25) }),
		item("Zoom Out", scZoomOut, func() { u.zoom(0.8) }),
		item("Actual Size", scZoomReset, func() { u.zoom(1) }),
		fyne.NewMenuItemSeparator(),
		item("Model Summary…", nil, u.showModelSummary),
	)
	// One item per tab, named as the tab (Explain was missing).
	for i, ti := range u.tabs.Items {
		var sc fyne.Shortcut
		if ti.Text == "Training" {
			sc = scTrain
		}
		view.Items = append(view.Items, item(ti.Text, sc, func() { u.tabs.SelectIndex(i) }))
	}
	help := fyne.NewMenu("Help",
		item("Keyboard Shortcuts", nil, u.showShortcuts),
		item("Documentation (README)", nil, u.openDocs),
		fyne.NewMenuItemSeparator(),
		item("About Convscope", nil, u.about))
	mm := fyne.NewMainMenu(file, view, help)
	u.markChoices(mm)
	return mm
}

func appendItem(m *fyne.Menu, label string, fn func()) *fyne.Menu {
	if m == nil {
		m = fyne.NewMenu("")
	}
	m.Items = append(m.Items, fyne.NewMenuItem(label, fn))
	return m
}

// scaleLabels name the scale modes in session.ScaleMode order.
var scaleLabels = []string{"Standardise (tutorial)", "Min–max per channel", "One scale per layer"}

func (u *UI) addShortcuts() {
	c := u.win.Canvas()
	add := func(sc fyne.Shortcut, fn func()) {
		fn = u.guard(sc.ShortcutName(), fn)
		c.AddShortcut(sc, func(fyne.Shortcut) { fn() })
	}
	add(scOpen, u.openImageDialog)
	add(scOpenModel, u.openModelDialog)
	add(scSave, u.saveModelDialog)
	add(scExport, func() { u.exportGrid(false) })
	add(scQuit, u.onClose)
	add(scZoomIn, func() { u.zoom(1.25) })
	add(scZoomIn2, func() { u.zoom(1.25) })
	add(scZoomOut, func() { u.zoom(0.8) })
	add(scZoomReset, func() { u.zoom(1) })
	add(scTrain, func() { u.tabs.SelectIndex(1) })
	add(scNextSamp, u.nextSample)
}

// nextSample shows the sample after the one on screen.
func (u *UI) nextSample() {
	if len(u.samples) == 0 {
		return
	}
	next := 0
	if f := u.frame; f != nil {
		for i, s := range u.samples {
			if s.Name == f.Input.Name {
				next = (i + 1) % len(u.samples)
			}
		}
	}
	u.openSample(next)
}

func (u *UI) toolbar() fyne.CanvasObject {
	tips := newTipper(u.win)
	tip := func(icon fyne.Resource, text string, fn func()) *tipButton {
		b := newTipButton("", icon, text, tips, u.guard(text, fn))
		b.Importance = widget.LowImportance
		return b
	}
	return container.NewHBox(
		tip(theme.FolderOpenIcon(), "Open an image (Ctrl+O) — or drop one anywhere on the window", u.openImageDialog),
		tip(theme.FileApplicationIcon(), "Open a model (.safetensors, Ctrl+Shift+O)", u.openModelDialog),
		tip(theme.DocumentSaveIcon(), "Save the model (Ctrl+S)", u.saveModelDialog),
		tip(theme.DownloadIcon(), "Export the grid as PNG (Ctrl+E); more exports in the File menu", func() { u.exportGrid(false) }),
		widget.NewSeparator(),
		u.gridControls(),
	)
}

// about is Help ▸ About; Escape and Enter close it, as they close the
// other information dialogs (it took neither).
func (u *UI) about() {
	d := dialog.NewInformation("About Convscope",
		"Convscope "+u.version()+"\n\n"+
			"Convscope shows what a convolutional network sees.\n\n"+
			"Open or drop an image to see every channel of every conv and pool layer;\n"+
			"train the network on the Training tab and watch the maps change.\n\n"+
			"Modelled on the Keras tutorial \"Visualizing intermediate activations\".", u.win)
	u.closeWithKeys(d, fyne.KeyEscape, fyne.KeyReturn, fyne.KeyEnter)
	d.Show()
}
