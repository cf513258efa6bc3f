package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
)

// The file dialogs are Fyne's own (dialog.FileDialog: titles, button
// labels, start folder and file name through its API) with two additions
// where Fyne 2.7 cannot do what a user expects (issue #17 defect 7):
//
//   - Open and folder dialogs have no text field: typing there did
//     nothing. As in GTK's file chooser, typing (or Ctrl+L) now opens a
//     "Go to" field; Enter opens the typed file or shows the typed folder.
//   - Fyne's Save joins whatever was typed to the folder on screen
//     (storage.Child), so "/tmp/x/m.safetensors" became
//     "…/files/tmp/x/m.safetensors", and it truncates an existing file
//     before the caller's atomic save has run. Save (the button and Enter)
//     now resolves the typed text itself (typedPath): an absolute or ~
//     path is used as is, a relative one is joined to the folder on
//     screen; a folder is shown, a file is confirmed if it exists and
//     handed to the caller untouched.
//
// Open dialogs start in the folder last opened from (prefLastFolder),
// save dialogs and export folders in the folder last saved to
// (prefLastSaveFolder).

// prefLastSaveFolder is the folder of the last save or export.
const prefLastSaveFolder = "lastSaveFolder"

// fyneLastFolder is the preference where Fyne's file dialog records the
// folder it shows (dialog/file.go, lastFolderKey): the folder a relative
// typed path is joined to.
const fyneLastFolder = "fyne:fileDialogLastFolder"

// scGoTo opens the "Go to" field of an Open or folder dialog.
var scGoTo = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}

// chooser is one file dialog on screen.
type chooser struct {
	u        *UI
	d        *dialog.FileDialog
	start    string // the folder the dialog opened in
	save     bool
	folder   bool
	exts     []string          // save: the extension added to a name without one
	pick     func(path string) // the chosen file or folder, absolute
	name     *widget.Entry     // save: Fyne's file-name field
	gotoEnt  *widget.Entry     // the "Go to" field while it is open
	gotoDlg  dialog.Dialog
	prevRune func(rune)
	closed   bool
	picked   bool // a path was handed to pick
}

// openFile shows an Open dialog titled title listing files with one of
// exts (either case) and calls pick with the chosen or typed file.
func (u *UI) openFile(title string, exts []string, pick func(path string)) *chooser {
	c := &chooser{u: u, pick: pick}
	c.d = dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			u.showError(title, err)
			return
		}
		if r == nil {
			return
		}
		r.Close()
		c.picked = true
		pick(r.URI().Path())
	}, u.win)
	if len(exts) > 0 {
		c.d.SetFilter(storage.NewExtensionFileFilter(append(exts, upper(exts)...)))
	}
	c.d.SetTitleText(title + " — type a path to go there")
	c.show(prefLastFolder)
	return c
}

// chooseFolderFor shows a folder dialog titled title whose button says
// confirm, starting in the folder of pref, and calls pick with the chosen
// folder (remembered in pref).
func (u *UI) chooseFolderFor(title, confirm, pref string, pick func(dir string)) *chooser {
	c := &chooser{u: u, folder: true}
	c.pick = func(dir string) {
		u.app.Preferences().SetString(pref, dir)
		pick(dir)
	}
	c.d = dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil {
			u.showError(title, err)
			return
		}
		if l != nil {
			c.picked = true
			c.pick(l.Path())
		}
	}, u.win)
	c.d.SetTitleText(title + " — type a path to go there")
	c.d.SetConfirmText(confirm)
	c.show(pref)
	return c
}

// saveFile shows a Save dialog titled title, starting in the last save
// folder with file name name; pick gets the absolute path to write (with
// exts[0] added when the name has none of exts), confirmed by the user if
// the file exists, and not touched: the caller writes it atomically.
func (u *UI) saveFile(title, name string, exts []string, pick func(path string)) *chooser {
	c := &chooser{u: u, save: true, exts: exts}
	c.pick = func(path string) {
		u.app.Preferences().SetString(prefLastSaveFolder, filepath.Dir(path))
		pick(path)
	}
	c.d = dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		// Only reached if the Save button could not be taken over (a
		// Fyne whose dialog is laid out differently): Fyne created the
		// file already.
		if err != nil {
			u.showError(title, err)
			return
		}
		if w != nil {
			w.Close()
			c.picked = true
			c.pick(c.withExt(w.URI().Path()))
		}
	}, u.win)
	c.d.SetFileName(name)
	if len(exts) > 0 {
		c.d.SetFilter(storage.NewExtensionFileFilter(append(exts, upper(exts)...)))
	}
	c.d.SetTitleText(title + " — a name, or a full path")
	c.d.SetConfirmText("Save")
	c.show(prefLastSaveFolder)
	return c
}

// show opens the dialog in the folder remembered under pref and hooks
// typed paths in.
func (c *chooser) show(pref string) {
	u := c.u
	if l := u.folderPref(pref); l != nil {
		c.d.SetLocation(l)
		c.start = l.Path()
	}
	c.d.Resize(fyne.NewSize(900, 600))
	cv := u.win.Canvas()
	c.d.SetOnClosed(c.close)
	// Escape cancels (when no field has the focus: not in Save's name).
	u.closeWithKeys(c.d, fyne.KeyEscape)
	c.d.Show()
	if c.save {
		c.hookSave()
		return
	}
	c.prevRune = cv.OnTypedRune()
	cv.SetOnTypedRune(c.typedRune)
	cv.AddShortcut(scGoTo, func(fyne.Shortcut) { c.openGoTo("") })
}

// onCancel runs fn when the dialog closes without a choice. Fyne calls
// its on-closed callbacks before the one with the choice, so the check
// waits for the UI goroutine's next turn.
func (c *chooser) onCancel(fn func()) {
	c.d.SetOnClosed(func() {
		c.u.post(func() {
			if !c.picked {
				fn()
			}
		})
	})
}

// close undoes show's hooks (the dialog closed).
func (c *chooser) close() {
	if c.closed {
		return
	}
	c.closed = true
	if c.gotoDlg != nil {
		c.gotoDlg.Hide()
	}
	if !c.save {
		cv := c.u.win.Canvas()
		cv.SetOnTypedRune(c.prevRune)
		cv.RemoveShortcut(scGoTo)
	}
}

// typedRune receives what is typed while nothing in the dialog has the
// focus: the first character opens the "Go to" field with it.
func (c *chooser) typedRune(r rune) {
	if c.closed {
		if c.prevRune != nil {
			c.prevRune(r)
		}
		return
	}
	if c.gotoEnt != nil {
		c.gotoEnt.TypedRune(r)
		return
	}
	c.openGoTo(string(r))
}

// openGoTo shows the "Go to" field, holding text.
func (c *chooser) openGoTo(text string) {
	if c.closed || c.gotoEnt != nil {
		return
	}
	e := widget.NewEntry()
	e.SetPlaceHolder("/path/to/file, ~/folder or a name in this folder")
	e.SetText(text)
	e.CursorColumn = len([]rune(text))
	confirm := "Open"
	if c.folder {
		confirm = "Go"
	}
	box := container.New(minWidth(460), e)
	d := dialog.NewCustomConfirm("Go to", confirm, "Cancel", box, func(ok bool) {
		c.gotoEnt, c.gotoDlg = nil, nil
		if ok {
			c.goTo(e.Text)
		}
	}, c.u.win)
	e.OnSubmitted = func(string) { d.Hide(); c.gotoEnt, c.gotoDlg = nil, nil; c.goTo(e.Text) }
	c.gotoEnt, c.gotoDlg = e, d
	d.Show()
	c.u.win.Canvas().Focus(e)
}

// goTo shows the typed folder, or opens the typed file (Open dialogs).
func (c *chooser) goTo(text string) {
	path, err := typedPath(text, c.folderOnScreen())
	if err != nil {
		return // nothing typed
	}
	st, err := os.Stat(path)
	switch {
	case err != nil:
		c.u.errorDialog("No such file or folder", fmt.Sprintf("%s does not exist.", path))
	case st.IsDir():
		c.showFolder(path)
	case c.folder:
		c.u.errorDialog("Not a folder", fmt.Sprintf("%s is a file: choose a folder.", path))
	default:
		c.finish(path)
	}
}

// finish closes the dialog and hands path over.
func (c *chooser) finish(path string) {
	c.picked = true
	c.d.Hide()
	c.pick(path)
}

// showFolder makes the dialog show folder dir.
func (c *chooser) showFolder(dir string) {
	if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
		c.d.SetLocation(l)
	}
}

// folderOnScreen is the folder the dialog shows.
func (c *chooser) folderOnScreen() string {
	if u, err := storage.ParseURI(c.u.app.Preferences().String(fyneLastFolder)); err == nil && u.Scheme() == "file" {
		return u.Path()
	}
	return c.start
}

// hookSave takes over the Save button and Enter in the file-name field of
// the Save dialog just shown, so that typed paths are resolved here.
func (c *chooser) hookSave() {
	pop, _ := c.u.win.Canvas().Overlays().Top().(*widget.PopUp)
	if pop == nil {
		return
	}
	var save *widget.Button
	walkExposed(pop.Content, func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Entry:
			c.name = w
		case *widget.Button:
			if w.Text == "Save" {
				save = w
			}
		}
	})
	if c.name == nil || save == nil {
		return // Fyne's own behaviour (the callback above)
	}
	save.OnTapped = c.submitSave
	c.name.OnSubmitted = func(string) { c.submitSave() }
}

// submitSave resolves the typed name or path: a folder is shown, a file
// in an existing folder is confirmed (if it exists) and handed over.
func (c *chooser) submitSave() {
	path, err := typedPath(c.name.Text, c.folderOnScreen())
	if err != nil {
		return
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		c.showFolder(path)
		c.name.SetText("")
		return
	}
	path = c.withExt(path)
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		c.u.errorDialog("Cannot save there", fmt.Sprintf("The folder %s does not exist.", dir))
		return
	}
	done := func() { c.finish(path) }
	st, err := os.Stat(path)
	switch {
	case err != nil:
		done()
	case st.IsDir():
		c.u.errorDialog("Cannot save there", fmt.Sprintf("%s is a folder.", path))
	default:
		d := dialog.NewConfirm("Replace "+filepath.Base(path)+"?",
			wrapText(fmt.Sprintf("%s already exists in %s. Replace it?", filepath.Base(path), dir), 60),
			func(ok bool) {
				if ok {
					done()
				}
			}, c.u.win)
		c.u.closeWithKeys(d, fyne.KeyEscape) // Enter does not replace a file
		d.Show()
	}
}

// withExt adds the first of c.exts to path when it ends in none of them.
func (c *chooser) withExt(path string) string {
	if len(c.exts) == 0 {
		return path
	}
	ext := strings.ToLower(filepath.Ext(path))
	for _, e := range c.exts {
		if ext == e {
			return path
		}
	}
	return path + c.exts[0]
}

// typedPath resolves what was typed in a file dialog: "~" and "~/…" are
// in the home folder, an absolute path is used as is, anything else is
// joined to dir (the folder on screen).
func typedPath(typed, dir string) (string, error) {
	s := strings.TrimSpace(typed)
	if s == "" {
		return "", errors.New("expected a file name or path, received nothing")
	}
	if s == "~" || strings.HasPrefix(s, "~/") || strings.HasPrefix(s, "~"+string(filepath.Separator)) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, s[1:]), nil
	}
	if filepath.IsAbs(s) {
		return filepath.Clean(s), nil
	}
	return filepath.Join(dir, s), nil
}

// folderPref returns the folder remembered under pref (the open folder
// when no save folder is known yet), if it still exists.
func (u *UI) folderPref(pref string) fyne.ListableURI {
	p := u.app.Preferences()
	for _, key := range []string{pref, prefLastFolder} {
		if dir := p.String(key); dir != "" {
			if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
				return l
			}
		}
	}
	return nil
}

// walkExposed calls fn for o and every object inside it that containers, scrolls,
// splits and pop-ups expose.
func walkExposed(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	fn(o)
	switch w := o.(type) {
	case *fyne.Container:
		for _, c := range w.Objects {
			walkExposed(c, fn)
		}
	case *container.Scroll:
		walkExposed(w.Content, fn)
	case *container.Split:
		walkExposed(w.Leading, fn)
		walkExposed(w.Trailing, fn)
	case *widget.PopUp:
		walkExposed(w.Content, fn)
	}
}
