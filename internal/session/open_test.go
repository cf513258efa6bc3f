package session

import (
	"errors"
	"testing"
)

// A session starts with the view it is given, or the tutorial's view
// (viridis, standardised, 16 columns) when given none; the first frame is
// drawn with it.
func TestNewStartsWithItsView(t *testing.T) {
	custom := DefaultView()
	custom.Colormap, custom.Cols = "magma", 4
	for _, c := range []struct {
		name       string
		given      View
		want       View
		colormap   string
		wantColumn int
	}{
		{"none given", View{}, DefaultView(), "viridis", 16},
		{"given", custom, custom, "magma", 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got *Frame
			s := New(Options{Model: tinyModel(t, 12), View: c.given, Post: func(fn func()) { fn() },
				OnFrame: func(f *Frame) { got = f }})
			defer s.Close()
			if s.View() != c.want || c.want.Colormap != c.colormap || c.want.Cols != c.wantColumn {
				t.Errorf("view %+v, want %+v", s.View(), c.want)
			}
			s.Open("a", "", loaderOf(testImage(16, 16, 1)))
			s.Wait()
			if got == nil || got.View != c.want {
				t.Errorf("first frame %+v, want view %+v", got, c.want)
			}
		})
	}
}

// OpenFile names the image after the path's last element, with / or \ as
// separators (a path dropped from Windows, a file at the root); an error
// for a file that cannot be read names it the same way.
func TestOpenFileNamesTheImage(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ path, name string }{
		{dir + "/missing.png", "missing.png"},
		{"/gone.png", "gone.png"},
		{`C:\Users\me\cat.jpg`, "cat.jpg"},
		{`mixed\dir/dog.png`, "dog.png"},
		{`a/b\c.png`, "c.png"},
		{"plain.png", "plain.png"},
		{"dir/", ""},
	} {
		h := newHarness(t, tinyModel(t, 12))
		h.OpenFile(c.path)
		h.settle()
		var oe *OpenError
		if len(h.errs) != 1 || !errors.As(h.errs[0], &oe) || oe.Name != c.name {
			t.Errorf("OpenFile(%q): errors %v, want one OpenError for %q", c.path, h.errs, c.name)
		}
	}
}

// The architecture of the model on screen is known from the start (the
// Training page reads it to offer "continue training"), and follows
// SetModel; a graph model has none to train.
func TestModelArchFromTheStart(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	a, err := h.ModelArch()
	if err != nil || len(a.Layers) != 5 || a.InputShape[0] != 12 || a.Layers[2].Filters != 6 {
		t.Fatalf("first model's architecture %+v, %v", a, err)
	}
	h.SetModel(tinyModel(t, 16))
	if a, err := h.ModelArch(); err != nil || a.InputShape[0] != 16 {
		t.Errorf("after SetModel: %+v, %v", a, err)
	}
	h.SetModel(wideModel(t))
	if _, err := h.ModelArch(); err == nil {
		t.Error("a graph model has an architecture to train")
	}
}
