package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/session"
)

func TestTypedPath(t *testing.T) {
	home, err := os.UserHomeDir()
	if err != nil {
		t.Skip("no home folder:", err)
	}
	for _, c := range []struct{ typed, want string }{
		{"/tmp/x/m.safetensors", "/tmp/x/m.safetensors"}, // as is, not joined (issue #17 defect 7)
		{"  /tmp/x/../y/m.npy ", "/tmp/y/m.npy"},
		{"m.safetensors", "/data/files/m.safetensors"},
		{"sub/m.safetensors", "/data/files/sub/m.safetensors"},
		{"../m.csv", "/data/m.csv"},
		{"~", home},
		{"~/m.safetensors", filepath.Join(home, "m.safetensors")},
		{"~user", "/data/files/~user"}, // another user's home is not looked up
	} {
		got, err := typedPath(c.typed, "/data/files")
		if err != nil || got != c.want {
			t.Errorf("typedPath(%q) = %q, %v; want %q", c.typed, got, err, c.want)
		}
	}
	if _, err := typedPath("  ", "/data"); err == nil {
		t.Error("typedPath of blanks: no error")
	}
}

// saveDialogParts returns the Save dialog's file-name field and Save button.
func saveDialogParts(t *testing.T, u *UI) (*widget.Entry, *widget.Button) {
	t.Helper()
	var e *widget.Entry
	var b *widget.Button
	for _, o := range test.LaidOutObjects(topOverlay(u)) {
		switch w := o.(type) {
		case *widget.Entry:
			e = w
		case *widget.Button:
			if w.Text == "Save" {
				b = w
			}
		}
	}
	if e == nil || b == nil {
		t.Fatalf("no file-name field or Save button in the dialog: %q", overlayText(u))
	}
	return e, b
}

// TestSaveTypedPath types paths in the Save Model dialog: an absolute one
// is used as is (it was joined to the folder on screen: "…/files/tmp/x/
// m.safetensors: no such file"), a relative one is joined, a name without
// the extension gets it, a folder is shown, a missing folder is one error.
func TestSaveTypedPath(t *testing.T) {
	shown, other := t.TempDir(), t.TempDir()
	os.Mkdir(filepath.Join(shown, "rel"), 0o755)
	for _, c := range []struct {
		name, typed, want string
	}{
		{"absolute", filepath.Join(other, "m.safetensors"), filepath.Join(other, "m.safetensors")},
		{"relative", filepath.Join("rel", "n"), filepath.Join(shown, "rel", "n.safetensors")},
	} {
		t.Run(c.name, func(t *testing.T) {
			u := newTestUI(t)
			u.app.Preferences().SetString(prefLastSaveFolder, shown)
			u.saveModelDialog()
			e, save := saveDialogParts(t, u)
			e.SetText(c.typed)
			test.Tap(save)
			settle(u)
			if st, err := os.Stat(c.want); err != nil || st.Size() == 0 {
				t.Fatalf("typed %q: %s not written (%v); status %q", c.typed, c.want, err, u.status.Text)
			}
			if got := u.app.Preferences().String(prefLastSaveFolder); got != filepath.Dir(c.want) {
				t.Errorf("last save folder %q, want %q", got, filepath.Dir(c.want))
			}
			if topOverlay(u) != nil {
				t.Errorf("a dialog is still open: %q", overlayText(u))
			}
		})
	}

	t.Run("folder and missing folder", func(t *testing.T) {
		u := newTestUI(t)
		os.WriteFile(filepath.Join(other, "marker.safetensors"), []byte("x"), 0o644)
		u.app.Preferences().SetString(prefLastSaveFolder, shown)
		u.saveModelDialog()
		e, save := saveDialogParts(t, u)
		e.SetText(other)
		test.Tap(save)
		if got := overlayText(u); !strings.Contains(got, "marker") {
			t.Errorf("typing a folder did not show it: %q", got)
		}
		missing := filepath.Join(other, "no", "such", "m.safetensors")
		e.SetText(missing)
		test.Tap(save)
		if got := overlayText(u); !strings.Contains(got, "Cannot save there") || !strings.Contains(got, filepath.Join(other, "no", "such")) {
			t.Errorf("a missing folder: dialog %q, want one naming the folder", got)
		}
		if _, err := os.Stat(missing); err == nil {
			t.Error("a file was written in a missing folder")
		}
	})
}

// TestSaveAsksBeforeReplacing: an existing file is left untouched until
// the user confirms (Fyne's Save truncated it before our atomic save).
func TestSaveAsksBeforeReplacing(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "model.safetensors")
	os.WriteFile(old, []byte("old"), 0o644)
	u := newTestUI(t)
	u.app.Preferences().SetString(prefLastSaveFolder, dir)
	u.saveModelDialog()
	_, save := saveDialogParts(t, u)
	test.Tap(save)
	settle(u)
	if got := overlayText(u); !strings.Contains(got, "Replace model.safetensors?") {
		t.Fatalf("no replace question: %q", got)
	}
	if b, _ := os.ReadFile(old); string(b) != "old" {
		t.Fatalf("the file changed before the user confirmed: %q", b)
	}
	// Enter does not replace a file; Escape answers No.
	for _, k := range []fyne.KeyName{fyne.KeyReturn, fyne.KeyEscape} {
		pressKey(u, k)
		settle(u)
		if b, _ := os.ReadFile(old); string(b) != "old" {
			t.Fatalf("%s replaced the file: %d bytes", k, len(b))
		}
	}
	if got := overlayText(u); strings.Contains(got, "Replace model.safetensors?") {
		t.Fatalf("Escape left the question open: %q", got)
	}
	test.Tap(save)
	settle(u)
	var yes *widget.Button
	for _, o := range test.LaidOutObjects(topOverlay(u)) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Yes" {
			yes = b
		}
	}
	if yes == nil {
		t.Fatal("no Yes button")
	}
	test.Tap(yes)
	settle(u)
	if b, _ := os.ReadFile(old); len(b) < 100 {
		t.Errorf("after Yes the file holds %d bytes, want the model", len(b))
	}
}

// TestSaveDialogsStartInTheLastSaveFolder: Save Model, Export Activations
// (PNG) and their folder exports open where the last save went, not in the
// folder images are opened from.
func TestSaveDialogsStartInTheLastSaveFolder(t *testing.T) {
	images, saves := t.TempDir(), t.TempDir()
	writePNG(t, images, "picture.png", 8, 8)
	os.WriteFile(filepath.Join(saves, "earlier.safetensors"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(saves, "old.png"), []byte("x"), 0o644)
	os.Mkdir(filepath.Join(saves, "exports"), 0o755)
	u := newTestUI(t)
	u.openPath(filepath.Join(images, "picture.png"))
	settle(u)
	u.app.Preferences().SetString(prefLastSaveFolder, saves)
	for _, c := range []struct {
		name string
		open func()
		want string
	}{
		{"Save Model", u.saveModelDialog, "earlier"},
		{"Export Activations", func() { u.exportGrid(false) }, "old"},
		{"Export per layer", func() { u.exportGrid(true) }, "exports"},
		{"Export .npy", u.exportNPY, "exports"},
	} {
		dismissOverlays(u)
		c.open()
		got := overlayText(u)
		if !strings.Contains(got, c.want+"\n") || strings.Contains(got, "picture\n") {
			t.Errorf("%s: dialog lists %q, want the save folder (%s), not the image folder", c.name, got, c.want)
		}
	}
	dismissOverlays(u)
	// Opening an image does not move the save folder, and vice versa.
	if got := u.app.Preferences().String(prefLastFolder); got != images {
		t.Errorf("open folder %q, want %q", got, images)
	}
}

// TestExportFolderDialogWords: choosing where activations go says so; it
// said "Open Folder" with an "Open" button.
func TestExportFolderDialogWords(t *testing.T) {
	u := newTestUI(t)
	u.app.Preferences().SetString(prefLastSaveFolder, t.TempDir())
	u.openSample(0)
	settle(u)
	u.exportNPY()
	got := overlayText(u)
	if !strings.Contains(got, "Choose export folder") || !strings.Contains(got, "\nExport\n") {
		t.Errorf("dialog says %q, want \"Choose export folder\" and an Export button", got)
	}
	if strings.Contains(got, "Open Folder") || strings.Contains(got, "\nOpen\n") {
		t.Errorf("dialog says %q: it opens nothing", got)
	}
}

// goToField returns the "Go to" field (the focused entry).
func goToField(t *testing.T, u *UI) *widget.Entry {
	t.Helper()
	e, ok := u.win.Canvas().Focused().(*widget.Entry)
	if !ok {
		t.Fatalf("no Go to field has the focus; dialog %q", overlayText(u))
	}
	return e
}

// TestOpenTypedPath types into the Open dialog (it did nothing): typing
// opens a Go to field; a file opens, a folder is shown; Ctrl+L opens the
// field too.
func TestOpenTypedPath(t *testing.T) {
	start, other := t.TempDir(), t.TempDir()
	p := writePNG(t, other, "typed.png", 12, 10)
	writePNG(t, other, "near.png", 12, 10)
	u := newTestUI(t)
	u.app.Preferences().SetString(prefLastFolder, start)

	u.openImageDialog()
	test.TypeOnCanvas(u.win.Canvas(), p)
	e := goToField(t, u)
	if e.Text != p {
		t.Fatalf("Go to field holds %q, want %q", e.Text, p)
	}
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	settle(u)
	if f := u.Frame(); f == nil || f.Input.Name != "typed.png" {
		t.Fatalf("typing %s and Enter: frame %v, status %q", p, f, u.status.Text)
	}
	if topOverlay(u) != nil {
		t.Errorf("a dialog is still open: %q", overlayText(u))
	}

	// A folder (relative to the one on screen) is shown; Ctrl+L opens the field.
	u.openImageDialog()
	typeShortcut(t, u, fyne.KeyL, fyne.KeyModifierShortcutDefault)
	e = goToField(t, u)
	rel, _ := filepath.Rel(start, other)
	test.Type(e, rel)
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := overlayText(u); !strings.Contains(got, "near\n") {
		t.Errorf("typing the folder %s: dialog lists %q", rel, got)
	}
	// The dialog's own Cancel ends the typing hooks: typing goes back to the window.
	for _, o := range test.LaidOutObjects(topOverlay(u)) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Cancel" {
			test.Tap(b)
			break
		}
	}
	if topOverlay(u) != nil {
		t.Fatalf("Cancel left a dialog: %q", overlayText(u))
	}
	if typed := u.win.Canvas().OnTypedRune(); typed != nil {
		typed('x')
	}
	if topOverlay(u) != nil {
		t.Errorf("typing after the dialog closed opened %q", overlayText(u))
	}
}

// TestExportHistoryStartsInTheLastSaveFolder: Export History opened in the
// image folder; it opens where the last save went, and a typed absolute
// path writes the CSV there.
func TestExportHistoryStartsInTheLastSaveFolder(t *testing.T) {
	images, saves, elsewhere := t.TempDir(), t.TempDir(), t.TempDir()
	writePNG(t, images, "picture.png", 8, 8)
	os.WriteFile(filepath.Join(saves, "old.csv"), []byte("x"), 0o644)
	u := newTestUI(t)
	h := &session.History{}
	h.Append(0, []string{"loss", "accuracy"}, []float64{0.7, 0.5})
	u.ses.Model().Meta.History = h
	u.openPath(filepath.Join(images, "picture.png"))
	settle(u)
	u.app.Preferences().SetString(prefLastSaveFolder, saves)
	u.training.exportCSV()
	got := overlayText(u)
	if !strings.Contains(got, "old\n") || strings.Contains(got, "picture\n") || !strings.Contains(got, "history.csv") {
		t.Fatalf("Export History lists %q, want the save folder", got)
	}
	e, save := saveDialogParts(t, u)
	want := filepath.Join(elsewhere, "h")
	e.SetText(want)
	test.Tap(save)
	settle(u)
	if b, err := os.ReadFile(want + ".csv"); err != nil || !strings.Contains(string(b), "loss") {
		t.Fatalf("history not written to %s.csv: %q, %v (status %q)", want, b, err, u.status.Text)
	}
	if got := u.app.Preferences().String(prefLastSaveFolder); got != elsewhere {
		t.Errorf("last save folder %q, want %q", got, elsewhere)
	}
}

// TestExportFolderTyped: in the export folder dialog, a typed folder is
// shown and Export writes there.
func TestExportFolderTyped(t *testing.T) {
	start, target := t.TempDir(), t.TempDir()
	u := newTestUI(t)
	u.app.Preferences().SetString(prefLastSaveFolder, start)
	u.openSample(0)
	settle(u)
	u.exportNPY()
	test.TypeOnCanvas(u.win.Canvas(), target)
	e := goToField(t, u)
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := u.app.Preferences().String(fyneLastFolder); !strings.HasSuffix(got, target) {
		t.Fatalf("the dialog shows %q, want %s", got, target)
	}
	tapButton(t, u, "Export")
	settle(u)
	files, _ := filepath.Glob(filepath.Join(target, "*.npy"))
	if len(files) == 0 {
		t.Fatalf("nothing exported to %s; status %q", target, u.status.Text)
	}
	if got := u.app.Preferences().String(prefLastSaveFolder); got != target {
		t.Errorf("last save folder %q, want %q", got, target)
	}
}

// TestArchitectureFileDialog: choosing "architecture from a JSON file"
// opens a dialog; a typed path loads it and keeps the choice; Cancel goes
// back to the reference architecture.
func TestArchitectureFileDialog(t *testing.T) {
	dir := t.TempDir()
	data, err := session.ReferenceArch().MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "arch.json")
	os.WriteFile(p, data, 0o644)
	u := newTestUI(t)
	tp := u.training

	tp.arch.SetSelected(archJSON)
	test.TypeOnCanvas(u.win.Canvas(), p)
	goToField(t, u).TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	settle(u)
	if tp.arch.Selected != archJSON || tp.archFile != p || tp.archLoaded == nil {
		t.Fatalf("after typing %s: choice %q, file %q", p, tp.arch.Selected, tp.archFile)
	}

	// Picked in Fyne's own list: Fyne reports the dialog closed before
	// it hands over the file, which must not undo the choice.
	tp.arch.SetSelected(archReference)
	tp.archFile = ""
	u.app.Preferences().SetString(prefLastFolder, dir)
	tp.arch.SetSelected(archJSON)
	tapText(t, u, "arch")
	tapButton(t, u, "Open")
	if tp.arch.Selected != archJSON || tp.archFile != p {
		t.Fatalf("after picking %s in the list: choice %q, file %q", p, tp.arch.Selected, tp.archFile)
	}

	tp.arch.SetSelected(archReference)
	tp.arch.SetSelected(archJSON)
	tapButton(t, u, "Cancel")
	if tp.arch.Selected != archReference {
		t.Errorf("after Cancel the choice is %q, want the reference", tp.arch.Selected)
	}
}

// tapText taps the innermost tappable widget of the top dialog that draws
// the text s (a file in Fyne's file list).
func tapText(t *testing.T, u *UI, s string) {
	t.Helper()
	if tp := tappableWith(topOverlay(u), s); tp != nil {
		test.Tap(tp)
		return
	}
	t.Fatalf("no text %q in %q", s, overlayText(u))
}

// tappableWith returns the innermost fyne.Tappable in o's tree that draws
// the text s, and whether the tree draws it at all.
func tappableWith(o fyne.CanvasObject, s string) fyne.Tappable {
	var found fyne.Tappable
	var visit func(o fyne.CanvasObject) bool
	visit = func(o fyne.CanvasObject) bool {
		if tx, ok := o.(*canvas.Text); ok {
			return tx.Text == s
		}
		var kids []fyne.CanvasObject
		switch v := o.(type) {
		case *fyne.Container:
			kids = v.Objects
		case fyne.Widget:
			kids = test.WidgetRenderer(v).Objects()
		}
		for _, k := range kids {
			if visit(k) {
				if tp, ok := o.(fyne.Tappable); ok && found == nil {
					found = tp
				}
				return true
			}
		}
		return false
	}
	visit(o)
	return found
}
