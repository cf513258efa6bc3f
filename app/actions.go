package app

import (
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/session"
)

// initialModel is the model given in opts, the last model used, the
// embedded one, or — failing those — the reference architecture with fresh
// weights. why explains a fallback.
func (u *UI) initialModel(opts Options) (*session.Model, error) {
	if opts.Model != nil {
		return opts.Model, nil
	}
	if p := u.app.Preferences().String(prefLastModel); p != "" {
		if m, err := session.OpenModelWith(p, u.preprocessFor(p)); err == nil {
			u.reopened = p
			return m, nil
		}
		u.app.Preferences().RemoveValue(prefLastModel)
	}
	m, err := session.DefaultModel()
	if m == nil {
		panic(fmt.Sprintf("convscope: the reference model does not build: %v", err))
	}
	return m, err
}

func (u *UI) loadView() session.View {
	p := u.app.Preferences()
	v := session.DefaultView()
	if name := p.String(prefColormap); name != "" && session.IsColormap(name) {
		v.Colormap = name
	}
	if s, err := session.ParseScaleMode(p.String(prefScale)); err == nil {
		v.Scale = s
	}
	if t := p.Int(prefTile); t >= session.MinTile && t <= session.MaxTile {
		v.Tile = t
	}
	return v
}

// setView changes the view and remembers it.
func (u *UI) setView(v session.View) {
	p := u.app.Preferences()
	p.SetString(prefColormap, v.Colormap)
	p.SetString(prefScale, v.Scale.String())
	p.SetInt(prefTile, v.Tile)
	u.ses.SetView(v)
}

// zoom multiplies the tile size by f (1 resets it to the default).
func (u *UI) zoom(f float64) {
	v := u.ses.View()
	if f == 1 {
		v.Tile = session.DefaultTile
	} else {
		v.Tile = int(float64(v.Tile)*f + 0.5)
		if f > 1 && v.Tile == u.ses.View().Tile {
			v.Tile++
		}
	}
	v.Tile = max(session.MinTile, min(session.MaxTile, v.Tile))
	u.setView(v)
	u.grid.syncControls(v)
}

// openPath opens an image or a model file.
func (u *UI) openPath(path string) {
	if session.IsModelName(path) {
		u.loadModel(path)
		return
	}
	if st, err := os.Stat(path); err != nil {
		u.showError("Cannot open image", err)
		return
	} else if st.IsDir() {
		u.showError("Cannot open image", fmt.Errorf("%s is a folder, not an image file", path))
		return
	}
	if !session.IsImageName(path) {
		u.showError("Cannot open image", unsupported(filepath.Base(path)))
		return
	}
	u.rememberFolder(filepath.Dir(path))
	u.ses.OpenFile(path)
	u.showImageTab()
}

func unsupported(name string) error {
	return fmt.Errorf("%s is not a supported image: Convscope opens %s files", name, session.ImageTypes())
}

// openSample shows sample i.
func (u *UI) openSample(i int) {
	if i < 0 || i >= len(u.samples) {
		return
	}
	s := u.samples[i]
	u.ses.Open(s.Name, "", s.Load)
	u.showImageTab()
}

// showImageTab brings the grid forward for an image just opened, unless
// the tab on screen is about the image: Explain follows a new image
// (Grad-CAM is redone) and Compare compares it with the pinned one. Both
// used to be left for Activations on every sample clicked or file opened,
// so "pin, open another image, compare" and explaining sample after sample
// meant going back to the tab each time.
func (u *UI) showImageTab() {
	if u.tabs == nil {
		return
	}
	if t := u.tabs.Selected(); t != nil && (t.Text == "Explain" || t.Text == "Compare") {
		return
	}
	u.tabs.SelectIndex(0)
}

// HandleDrop opens what was dropped on the window: the first image or
// model file; anything else gets a dialog saying why it cannot be opened.
func (u *UI) HandleDrop(uris []fyne.URI) {
	if len(uris) == 0 {
		return
	}
	uri := uris[0]
	if uri.Scheme() != "file" {
		u.openURI(uri)
		return
	}
	u.openPath(uri.Path())
}

// openURI opens an image from a non-file URI through Fyne's storage.
func (u *UI) openURI(uri fyne.URI) {
	name := uri.Name()
	if !session.IsImageName(name) {
		u.showError("Cannot open image", unsupported(name))
		return
	}
	u.ses.Open(name, "", func() (image.Image, error) {
		r, err := storage.Reader(uri)
		if err != nil {
			return nil, err
		}
		defer r.Close()
		return session.DecodeImage(r)
	})
}

func (u *UI) rememberFolder(dir string) {
	u.app.Preferences().SetString(prefLastFolder, dir)
}

// showError shows a dialog that says what went wrong.
func (u *UI) showError(title string, err error) {
	var oe *session.OpenError
	msg := session.UserMessage(err.Error())
	status := title + ": " + msg
	switch {
	case errors.As(err, &oe):
		msg = fmt.Sprintf("%s could not be opened:\n%s", oe.Name, session.UserMessage(oe.Err.Error()))
		status = fmt.Sprintf("Cannot open %s: %s", oe.Name, session.UserMessage(oe.Err.Error()))
	case strings.HasPrefix(msg, "internal error"):
		title, status = "Internal error", "Internal e"+strings.TrimPrefix(msg, "internal e")
	case strings.HasPrefix(strings.ToLower(msg), strings.ToLower(title)):
		status = strings.ToUpper(msg[:1]) + msg[1:] // not "Cannot open image: cannot open …"
	}
	u.errorDialog(title, msg)
	u.setStatus(status)
}

// errorDialog shows msg under title as written (Fyne's error dialog
// capitalises the first letter: "Text.png could not be opened"), wrapped,
// scrolling when long instead of growing to the window's height, and
// closed by OK, Enter or Escape (issue #17 defect 6).
func (u *UI) errorDialog(title, msg string) {
	label := widget.NewLabel(wrapText(msg, 70))
	label.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(label)
	// As wide as the longest line (up to 720 px, so that the label need
	// not wrap again: with the window's font 70 characters did not fit
	// 460 px and a fourth line fell out of view) and as tall as the text,
	// up to eight lines: a label's own size (lines and insets).
	lines := strings.Split(label.Text, "\n")
	probe := widget.NewLabel(strings.Join(lines[:min(len(lines), 8)], "\n"))
	width := min(max(widget.NewLabel(label.Text).MinSize().Width, 460), 720)
	scroll.SetMinSize(fyne.NewSize(width, probe.MinSize().Height))
	d := dialog.NewCustom(title, "OK", scroll, u.win)
	u.closeWithKeys(d, fyne.KeyEscape, fyne.KeyReturn, fyne.KeyEnter)
	d.Show()
}

// closeWithKeys makes keys close d while it is the newest such dialog on
// screen (the canvas gets the keys when no field has the focus). Dialogs
// stack: closing one gives the keys back to the one below, in whatever
// order they close.
func (u *UI) closeWithKeys(d dialog.Dialog, keys ...fyne.KeyName) {
	c := u.win.Canvas()
	if u.keyDialogs == nil {
		prev := c.OnTypedKey()
		c.SetOnTypedKey(func(k *fyne.KeyEvent) {
			if n := len(u.keyDialogs); n > 0 {
				top := u.keyDialogs[n-1]
				if top.enter != nil && (k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter) {
					top.enter()
					return
				}
				if slices.Contains(top.keys, k.Name) {
					top.d.Hide()
					return
				}
			}
			if prev != nil {
				prev(k)
			}
		})
	}
	kd := &keyDialog{d: d, keys: keys}
	u.keyDialogs = append(u.keyDialogs, kd)
	d.SetOnClosed(func() {
		u.keyDialogs = slices.DeleteFunc(u.keyDialogs, func(o *keyDialog) bool { return o == kd })
	})
}

// answerWithKeys makes a question d answer to the keyboard as a desktop
// dialog does: Escape closes it (Cancel, No) and Enter or Return gives its
// highlighted answer, enter (Fyne's dialogs took no keys at all).
func (u *UI) answerWithKeys(d dialog.Dialog, enter func()) {
	u.closeWithKeys(d, fyne.KeyEscape)
	u.keyDialogs[len(u.keyDialogs)-1].enter = enter
}

// keyDialog is a dialog that keys close (closeWithKeys) or answer
// (answerWithKeys).
type keyDialog struct {
	d     dialog.Dialog
	keys  []fyne.KeyName
	enter func() // Enter and Return, if not nil
}

// wrapText breaks s into lines of at most n characters at spaces.
func wrapText(s string, n int) string {
	var out strings.Builder
	for li, line := range strings.Split(s, "\n") {
		if li > 0 {
			out.WriteByte('\n')
		}
		col := 0
		for i, w := range strings.Fields(line) {
			if i > 0 {
				if col+1+len(w) > n {
					out.WriteByte('\n')
					col = 0
				} else {
					out.WriteByte(' ')
					col++
				}
			}
			out.WriteString(w)
			col += len(w)
		}
	}
	return out.String()
}

// dialogs

func (u *UI) openImageDialog() {
	u.openFile("Open Image", session.ImageExtensions(), func(path string) {
		u.HandleDrop([]fyne.URI{storage.NewFileURI(path)})
	})
}

func upper(exts []string) []string {
	out := make([]string, len(exts))
	for i, e := range exts {
		out[i] = strings.ToUpper(e)
	}
	return out
}

func (u *UI) openModelDialog() {
	u.openFile("Open Model", session.ModelExtensions(), u.loadModel)
}

// loadModel loads a model file off the UI goroutine and puts it on screen.
func (u *UI) loadModel(path string) {
	if u.training.running() {
		u.showError("Cannot open model", errors.New("training is running: stop it first"))
		return
	}
	u.confirmDiscard("Opening "+filepath.Base(path), func() { u.loadModelAsking(path) })
}

// loadModelAsking opens a model file. An ONNX file's preprocessing is the
// one remembered for it, else the one it records (Convscope's export
// writes it: an ImageNet model opens with imagenet, no question asked),
// else the user's answer, asked with the tutorial's pre-selected once the
// file is read (off the UI goroutine; a preset is then only metadata,
// WithPreprocess).
func (u *UI) loadModelAsking(path string) {
	if !session.NeedsPreprocess(path) {
		u.loadModelWith(path, "")
		return
	}
	if preset := u.preprocessFor(path); preset != "" {
		u.loadModelWith(path, preset)
		return
	}
	u.loadModelThen(path, "", func(m *session.Model) {
		if m.Preprocess != session.Presets()[0].Name { // the tutorial's: nothing recorded, or that
			u.showLoaded(path, m) // recorded in the file
			return
		}
		u.askPreprocess(path, m.Preprocess, func(preset string) {
			chosen, err := m.WithPreprocess(preset)
			if err != nil {
				u.showError("Cannot open model", err)
				return
			}
			u.rememberPreprocess(path, preset)
			u.showLoaded(path, chosen)
		})
	})
}

// loadModelWith loads a model file with a preprocessing preset (ONNX) and
// puts it on screen.
func (u *UI) loadModelWith(path, preset string) {
	u.loadModelThen(path, preset, func(m *session.Model) { u.showLoaded(path, m) })
}

// loadModelThen loads a model file off the UI goroutine and hands it to
// show, on the UI goroutine (or shows the error).
func (u *UI) loadModelThen(path, preset string, show func(*session.Model)) {
	u.setStatus("Loading model " + filepath.Base(path) + "…")
	u.ses.LoadModelWith(path, preset, func(m *session.Model, err error) {
		if err != nil {
			u.showError("Cannot open model", err)
			return
		}
		show(m)
	})
}

// showLoaded puts the model read from path on screen.
func (u *UI) showLoaded(path string, m *session.Model) {
	u.rememberFolder(filepath.Dir(path))
	u.app.Preferences().SetString(prefLastModel, path)
	u.ses.SetModel(m)
	u.setSamples(u.defaultSamples)
	u.modelChanged()
	u.noteOverFrame(fmt.Sprintf("Opened %s (%d layers with channel maps)", m.Label, len(m.MapLayers())), u.frame != nil)
}

// useBuiltinModel puts the built-in model back on screen and forgets the
// remembered model file (issue #17 defect 8: there was no way back).
func (u *UI) useBuiltinModel() { u.useBuiltin("") }

// useBuiltin puts the built-in model called name on screen ("" or the first
// of session.BuiltinModels: the default).
func (u *UI) useBuiltin(name string) {
	if u.training.running() {
		u.showError("Cannot change the model", errors.New("training is running: stop it first"))
		return
	}
	u.confirmDiscard("Using the built-in model", func() { u.useBuiltinNow(name) })
}

// useBuiltinNow puts the built-in model called name on screen.
func (u *UI) useBuiltinNow(name string) {
	u.ses.Do(func(*session.Model) { // decoding the embedded weights takes a moment
		var m *session.Model
		var err error
		var samples []session.Sample // nil: the default samples
		if name == "" || name == session.BuiltinModels()[0].Name {
			m, err = session.DefaultModel()
		} else {
			m, err = session.BuiltinModel(name)
			samples = session.BuiltinModelSamples(name)
		}
		u.post(func() {
			if m == nil {
				u.showError("Cannot use the built-in model", err)
				return
			}
			u.app.Preferences().RemoveValue(prefLastModel)
			u.ses.SetModel(m)
			if samples == nil {
				samples = u.defaultSamples
			}
			u.setSamples(samples)
			u.modelChanged()
			u.noteOverFrame("Using the built-in model: "+m.Label+".", u.frame != nil)
		})
	})
}

// setSamples puts samples in the side panel's strip (the samples follow
// the model on screen).
func (u *UI) setSamples(samples []session.Sample) {
	u.samples = samples
	u.side.setSamples()
}

// modelChanged updates everything that shows the model on screen.
func (u *UI) modelChanged() {
	u.modelLabel = u.ses.Model().Label
	u.updateTitle()
	u.training.modelChanged()
	u.atlas.modelChanged()
	u.side.modelChanged()
}

func (u *UI) saveModelDialog() {
	if u.training.running() {
		u.showError("Cannot save model", errors.New("training is running: pause does not make the weights final; stop it first"))
		return
	}
	u.saveFile("Save Model", "model.safetensors", []string{".safetensors"}, func(path string) { u.saveModel(path, nil) })
}

// saveModel writes the model on screen (atomically) off the UI goroutine;
// then runs after when it succeeded.
func (u *UI) saveModel(path string, after func()) {
	u.ses.SaveModel(path, u.training.history(), func(err error) {
		if err != nil {
			u.showError("Cannot save model", err)
			return
		}
		u.app.Preferences().SetString(prefLastSaveFolder, filepath.Dir(path))
		u.app.Preferences().SetString(prefLastModel, path)
		u.modelLabel = filepath.Base(path)
		u.updateTitle()
		u.setStatus("Saved model to " + path)
		if after != nil {
			after()
		}
	})
}

// chooseFolder asks for a folder to read from (remembered with the
// folders images are opened from) and calls fn with its path.
func (u *UI) chooseFolder(title, confirm string, fn func(dir string)) {
	u.chooseFolderFor(title, confirm, prefLastFolder, fn)
}

// chooseExportFolder asks for a folder to write an export into (remembered
// with the save folder) and calls fn with its path.
func (u *UI) chooseExportFolder(fn func(dir string)) {
	u.chooseFolderFor("Choose export folder", "Export", prefLastSaveFolder, fn)
}

// exportGrid writes the grid: all layers in one PNG, or one per layer.
func (u *UI) exportGrid(perLayer bool) {
	f := u.frame
	if f == nil {
		u.showError("Nothing to export", errors.New("open an image first"))
		return
	}
	if perLayer {
		u.chooseExportFolder(func(dir string) { u.ses.ExportSheets(dir, f, u.reportExport) })
		return
	}
	name := strings.TrimSuffix(f.Input.Name, filepath.Ext(f.Input.Name)) + "-activations.png"
	u.saveFile("Export Activations", name, []string{".png"}, func(path string) { u.ses.ExportGrid(path, f, u.reportExport) })
}

func (u *UI) exportNPY() {
	f := u.frame
	if f == nil {
		u.showError("Nothing to export", errors.New("open an image first"))
		return
	}
	u.chooseExportFolder(func(dir string) { u.ses.ExportActivations(dir, f, u.reportExport) })
}

// reportExport says where an export went (UI goroutine).
func (u *UI) reportExport(paths []string, err error) {
	if err != nil {
		u.showError("Export failed", err)
		return
	}
	if len(paths) == 1 {
		u.setStatus("Exported " + paths[0])
	} else if len(paths) > 1 {
		u.setStatus(fmt.Sprintf("Exported %d files to %s", len(paths), filepath.Dir(paths[0])))
	}
}

// onClose stops training (offering to save), remembers the window size
// and quits.
func (u *UI) onClose() {
	if u.quitting {
		return
	}
	if u.training.running() {
		u.quitting = true
		u.setStatus("Stopping training…")
		u.training.stopThen(func() {
			d := dialog.NewConfirm("Save the trained model?", "Training was stopped. Save the model before quitting?", func(save bool) {
				if save {
					u.quitting = false
					u.saveModelDialogThen(u.closeNow)
					return
				}
				u.closeNow()
			}, u.win)
			u.answerWithKeys(d, d.Confirm)
			d.Show()
		})
		return
	}
	u.confirmDiscard("Quitting", u.closeNow)
}

func (u *UI) saveModelDialogThen(after func()) {
	c := u.saveFile("Save Model", "model.safetensors", []string{".safetensors"}, func(path string) { u.saveModel(path, after) })
	c.onCancel(after) // quit without saving
}

func (u *UI) closeNow() {
	s := u.win.Canvas().Size()
	p := u.app.Preferences()
	if s.Width > 100 && s.Height > 100 {
		p.SetFloat(prefWidth, float64(s.Width))
		p.SetFloat(prefHeight, float64(s.Height))
	}
	u.ses.Close()
	u.win.Close()
	u.app.Quit()
}
