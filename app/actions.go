package app

import (
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"github.com/convscope/convscope/internal/colormap"
	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/internal/render"
	"github.com/convscope/convscope/internal/workbench"
)

// initialModel is the model given in opts, the last model used, the
// embedded one, or — failing those — the reference architecture with fresh
// weights. why explains a fallback.
func (u *UI) initialModel(opts Options) (*workbench.Model, error) {
	if opts.Model != nil {
		return opts.Model, nil
	}
	if p := u.app.Preferences().String(prefLastModel); p != "" {
		if m, err := workbench.LoadModelFile(p); err == nil {
			return m, nil
		}
		u.app.Preferences().RemoveValue(prefLastModel)
	}
	m, err := workbench.DefaultModel(embeddedModel(), dataset.BinaryShapes)
	if m == nil {
		panic(fmt.Sprintf("convscope: the reference model does not build: %v", err))
	}
	return m, err
}

func (u *UI) loadView() workbench.View {
	p := u.app.Preferences()
	v := workbench.DefaultView()
	if name := p.String(prefColormap); name != "" {
		if _, err := colormap.ByName(name); err == nil {
			v.Colormap = name
		}
	}
	if s, err := render.ParseScaleMode(p.String(prefScale)); err == nil {
		v.Scale = s
	}
	if t := p.Int(prefTile); t >= workbench.MinTile && t <= workbench.MaxTile {
		v.Tile = t
	}
	return v
}

// setView changes the view and remembers it.
func (u *UI) setView(v workbench.View) {
	p := u.app.Preferences()
	p.SetString(prefColormap, v.Colormap)
	p.SetString(prefScale, v.Scale.String())
	p.SetInt(prefTile, v.Tile)
	u.bench.SetView(v)
}

// zoom multiplies the tile size by f (1 resets it to the default).
func (u *UI) zoom(f float64) {
	v := u.bench.View()
	if f == 1 {
		v.Tile = workbench.DefaultTile
	} else {
		v.Tile = int(float64(v.Tile)*f + 0.5)
		if f > 1 && v.Tile == u.bench.View().Tile {
			v.Tile++
		}
	}
	v.Tile = max(workbench.MinTile, min(workbench.MaxTile, v.Tile))
	u.setView(v)
	u.grid.syncControls(v)
}

// openPath opens an image or, for .safetensors, a model.
func (u *UI) openPath(path string) {
	if strings.EqualFold(filepath.Ext(path), ".safetensors") {
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
	if !workbench.IsImageName(path) {
		u.showError("Cannot open image", unsupported(filepath.Base(path)))
		return
	}
	u.rememberFolder(filepath.Dir(path))
	u.bench.OpenFile(path)
	u.tabs.SelectIndex(0)
}

func unsupported(name string) error {
	return fmt.Errorf("%s is not a supported image: Convscope opens %s files", name, strings.ToUpper(strings.ReplaceAll(strings.Join(dataset.Extensions, ", "), ".", "")))
}

// openSample shows sample i.
func (u *UI) openSample(i int) {
	if i < 0 || i >= len(u.samples) {
		return
	}
	s := u.samples[i]
	u.bench.Open(s.Name, "", s.Load)
	if u.tabs != nil {
		u.tabs.SelectIndex(0)
	}
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
	if !workbench.IsImageName(name) {
		u.showError("Cannot open image", unsupported(name))
		return
	}
	u.bench.Open(name, "", func() (image.Image, error) {
		r, err := storage.Reader(uri)
		if err != nil {
			return nil, err
		}
		defer r.Close()
		return dataset.LoadImage(r, 0)
	})
}

func (u *UI) rememberFolder(dir string) {
	u.app.Preferences().SetString(prefLastFolder, dir)
}

// lastFolder returns the remembered folder as a lister, if it still exists.
func (u *UI) lastFolder() fyne.ListableURI {
	dir := u.app.Preferences().String(prefLastFolder)
	if dir == "" {
		return nil
	}
	l, err := storage.ListerForURI(storage.NewFileURI(dir))
	if err != nil {
		return nil
	}
	return l
}

// showError shows a dialog that says what went wrong.
func (u *UI) showError(title string, err error) {
	var oe *workbench.OpenError
	msg := err.Error()
	if errors.As(err, &oe) {
		msg = fmt.Sprintf("%s could not be opened:\n%v", oe.Name, oe.Err)
	}
	d := dialog.NewError(errors.New(wrapText(msg, 70)), u.win)
	d.SetDismissText("OK")
	_ = title
	d.Show()
	u.setStatus(title + ": " + err.Error())
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
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			u.showError("Cannot open image", err)
			return
		}
		if r == nil {
			return
		}
		r.Close()
		u.HandleDrop([]fyne.URI{r.URI()})
	}, u.win)
	d.SetFilter(storage.NewExtensionFileFilter(append(dataset.Extensions, upper(dataset.Extensions)...)))
	if l := u.lastFolder(); l != nil {
		d.SetLocation(l)
	}
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

func upper(exts []string) []string {
	out := make([]string, len(exts))
	for i, e := range exts {
		out[i] = strings.ToUpper(e)
	}
	return out
}

func (u *UI) openModelDialog() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			u.showError("Cannot open model", err)
			return
		}
		if r == nil {
			return
		}
		r.Close()
		u.loadModel(r.URI().Path())
	}, u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".safetensors"}))
	if l := u.lastFolder(); l != nil {
		d.SetLocation(l)
	}
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// loadModel loads a model file off the UI goroutine and puts it on the bench.
func (u *UI) loadModel(path string) {
	if u.training.running() {
		u.showError("Cannot open model", errors.New("training is running: stop it first"))
		return
	}
	u.setStatus("Loading model " + filepath.Base(path) + "…")
	u.bg.Add(1)
	go func() {
		defer u.bg.Done()
		m, err := workbench.LoadModelFile(path)
		u.post(func() {
			if err != nil {
				u.showError("Cannot open model", err)
				return
			}
			u.rememberFolder(filepath.Dir(path))
			u.app.Preferences().SetString(prefLastModel, path)
			u.setModel(m)
		})
	}()
}

// setModel puts m on the bench and updates everything that shows the model.
func (u *UI) setModel(m *workbench.Model) {
	u.bench.SetModel(m)
	u.modelLabel = m.Label
	u.updateTitle()
	u.training.modelChanged(m)
}

func (u *UI) saveModelDialog() {
	if u.training.running() {
		u.showError("Cannot save model", errors.New("training is running: pause does not make the weights final; stop it first"))
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			u.showError("Cannot save model", err)
			return
		}
		if w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		if !strings.EqualFold(filepath.Ext(path), ".safetensors") {
			os.Remove(path) // the dialog created it; we write path+ext
			path += ".safetensors"
		}
		u.saveModel(path, nil)
	}, u.win)
	d.SetFileName("model.safetensors")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".safetensors"}))
	if l := u.lastFolder(); l != nil {
		d.SetLocation(l)
	}
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// saveModel writes the bench's model (atomically) off the UI goroutine;
// then runs after on the UI goroutine when it succeeded.
func (u *UI) saveModel(path string, after func()) {
	hist := u.training.history()
	u.bg.Add(1)
	go func() {
		defer u.bg.Done()
		err := u.bench.SaveModel(path, hist)
		u.post(func() {
			if err != nil {
				u.showError("Cannot save model", err)
				return
			}
			u.rememberFolder(filepath.Dir(path))
			u.app.Preferences().SetString(prefLastModel, path)
			u.modelLabel = filepath.Base(path)
			u.updateTitle()
			u.setStatus("Saved model to " + path)
			if after != nil {
				after()
			}
		})
	}()
}

// chooseFolder asks for a folder and calls fn with its path.
func (u *UI) chooseFolder(fn func(dir string)) {
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil {
			u.showError("Cannot open folder", err)
			return
		}
		if l == nil {
			return
		}
		u.rememberFolder(l.Path())
		fn(l.Path())
	}, u.win)
	if l := u.lastFolder(); l != nil {
		d.SetLocation(l)
	}
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// exportGrid writes the grid: all layers in one PNG, or one per layer.
func (u *UI) exportGrid(perLayer bool) {
	f := u.frame
	if f == nil {
		u.showError("Nothing to export", errors.New("open an image first"))
		return
	}
	if perLayer {
		u.chooseFolder(func(dir string) {
			go func() {
				paths, err := workbench.ExportSheets(dir, f)
				u.reportExport(paths, err)
			}()
		})
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		go func() {
			err := workbench.SavePNG(path, workbench.GridImage(f))
			u.reportExport([]string{path}, err)
		}()
	}, u.win)
	d.SetFileName(strings.TrimSuffix(f.Input.Name, filepath.Ext(f.Input.Name)) + "-activations.png")
	if l := u.lastFolder(); l != nil {
		d.SetLocation(l)
	}
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

func (u *UI) exportNPY() {
	f := u.frame
	if f == nil {
		u.showError("Nothing to export", errors.New("open an image first"))
		return
	}
	u.chooseFolder(func(dir string) {
		go func() {
			paths, err := workbench.ExportActivations(dir, f)
			u.reportExport(paths, err)
		}()
	})
}

func (u *UI) reportExport(paths []string, err error) {
	u.post(func() {
		if err != nil {
			u.showError("Export failed", err)
			return
		}
		if len(paths) == 1 {
			u.setStatus("Exported " + paths[0])
		} else if len(paths) > 1 {
			u.setStatus(fmt.Sprintf("Exported %d files to %s", len(paths), filepath.Dir(paths[0])))
		}
	})
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
			dialog.ShowConfirm("Save the trained model?", "Training was stopped. Save the model before quitting?", func(save bool) {
				if save {
					u.quitting = false
					u.saveModelDialogThen(u.closeNow)
					return
				}
				u.closeNow()
			}, u.win)
		})
		return
	}
	u.closeNow()
}

func (u *UI) saveModelDialogThen(after func()) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			after()
			return
		}
		path := w.URI().Path()
		w.Close()
		u.saveModel(path, after)
	}, u.win)
	d.SetFileName("model.safetensors")
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

func (u *UI) closeNow() {
	s := u.win.Canvas().Size()
	p := u.app.Preferences()
	if s.Width > 100 && s.Height > 100 {
		p.SetFloat(prefWidth, float64(s.Width))
		p.SetFloat(prefHeight, float64(s.Height))
	}
	u.bench.Close()
	u.win.Close()
	u.app.Quit()
}
