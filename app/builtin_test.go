package app

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/session"
)

// File ▸ Use Built-in Model lists every built-in model; choosing the
// Fashion-MNIST one puts it on screen, and the prediction area then says what
// it knows and how the image on screen (a colour shapes sample) differs.
func TestUseBuiltinFashion(t *testing.T) {
	u := newTestUI(t)
	var sub []string
	for _, m := range u.mainMenu().Items {
		for _, it := range m.Items {
			if it.Label == "Use Built-in Model" && it.ChildMenu != nil {
				for _, c := range it.ChildMenu.Items {
					sub = append(sub, c.Label)
				}
			}
		}
	}
	if len(sub) != 2 || !strings.HasPrefix(sub[0], "Shapes: ") || !strings.HasPrefix(sub[1], "Fashion: ") {
		t.Fatalf("Use Built-in Model ▸ %q", sub)
	}
	u.useBuiltin("fashion")
	settle(u)
	if m := u.ses.Model(); m.Net.InputShape()[0] != 28 || !strings.Contains(m.Label, "fashion") {
		t.Fatalf("model on screen: %q %v", m.Label, m.Net.InputShape())
	}
	gen := session.GeneratedSamples(1)[0] // a generated 150×150 colour image
	u.ses.Open(gen.Name, "", gen.Load)
	settle(u)
	var notes []string
	for _, o := range u.side.bars.Objects {
		if l, ok := o.(*widget.Label); ok {
			notes = append(notes, l.Text)
		}
	}
	if text := strings.Join(notes, "\n"); !strings.Contains(text, "This image is a colour image; the model was trained on grayscale images") || !strings.Contains(text, "Knows only Fashion-MNIST-like pictures") {
		t.Errorf("prediction area notes: %q", notes)
	}
	if !u.side.cardBox.Visible() || !strings.Contains(u.side.card.Text, "Accuracy: validation 0.9282") || !strings.Contains(u.side.card.Text, "Input: 28×28 grayscale") {
		t.Errorf("model card (shown %v): %q", u.side.cardBox.Visible(), u.side.card.Text)
	}
	u.useBuiltin("shapes")
	settle(u)
	if m := u.ses.Model(); m.Net.InputShape()[0] != 150 {
		t.Errorf("back to shapes: %q %v", m.Label, m.Net.InputShape())
	}
}

// The Samples strip follows the model: the Fashion-MNIST model brings its ten
// test images (one per class), each predicted as its class when opened; the
// shapes model brings the default samples back, and so does a model opened
// from a file.
func TestSamplesFollowTheModel(t *testing.T) {
	u := newTestUI(t)
	def := len(u.samples)
	strip := func() int { return len(u.side.samplesBox.Objects[0].(*fyne.Container).Objects) }
	if strip() != def {
		t.Fatalf("strip before: %d thumbnails, expected %d", strip(), def)
	}
	u.useBuiltin("fashion")
	settle(u)
	if len(u.samples) != 10 || strip() != 10 {
		t.Fatalf("after switching to Fashion-MNIST: %d samples, %d thumbnails, expected 10", len(u.samples), strip())
	}
	seen := map[string]bool{}
	for i, s := range u.samples {
		class, _, ok := strings.Cut(s.Name, " (")
		if !ok {
			t.Fatalf("sample %d is called %q, expected \"class (file)\"", i, s.Name)
		}
		seen[class] = true
		u.side.samplesBox.Objects[0].(*fyne.Container).Objects[i].(*thumb).Tapped(nil)
		settle(u)
		f := u.Frame()
		if f == nil || f.Input.Name != s.Name || len(f.Prediction.Top) == 0 {
			t.Fatalf("sample %q: frame %+v", s.Name, f)
		}
		if got := strings.ReplaceAll(f.Prediction.Top[0].Name, "/", "_"); got != class {
			t.Errorf("sample %q predicted %q, expected %q", s.Name, f.Prediction.Top[0].Name, class)
		}
	}
	if len(seen) != 10 {
		t.Errorf("classes of the samples: %v, expected 10 different", seen)
	}
	u.useBuiltin("shapes")
	settle(u)
	if len(u.samples) != def || strip() != def {
		t.Errorf("back to shapes: %d samples, %d thumbnails, expected %d", len(u.samples), strip(), def)
	}
	u.useBuiltin("fashion")
	settle(u)
	path := filepath.Join(t.TempDir(), "tiny.safetensors")
	if err := tinyModel(t).Save(path, nil); err != nil {
		t.Fatal(err)
	}
	u.loadModel(path)
	settle(u)
	if len(u.samples) != def || strip() != def {
		t.Errorf("after opening %s: %d samples, %d thumbnails, expected the default %d", path, len(u.samples), strip(), def)
	}
}
