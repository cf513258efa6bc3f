package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"
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
	u.nextSample() // a generated 150×150 colour image
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
