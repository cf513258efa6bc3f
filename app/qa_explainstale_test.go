package app

import (
	"strings"
	"testing"
)

// TestExplainSlowMapLeavesWithItsImage: after another image opened, the
// Explain tab kept the previous image's Integrated Gradients or SmoothGrad
// map (and exported it) until Explain was pressed. The slow methods' map
// now leaves with its image, and the tab says to press Explain; the fast
// methods follow the new image at once, as before.
func TestExplainSlowMapLeavesWithItsImage(t *testing.T) {
	tests := []struct {
		method string
		slow   bool
	}{
		{"Integrated Gradients", true},
		{"SmoothGrad", true},
		{"Grad-CAM", false},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			u := explainTabUI(t)
			e := u.explain
			e.method.SetSelected(tt.method)
			settle(u)
			e.start()
			settle(u)
			first := e.cur
			if first == nil {
				t.Fatalf("no %s map: %q", tt.method, e.info.Text)
			}
			u.openSample(2)
			settle(u)
			switch {
			case tt.slow && (e.cur != nil || e.view.img.Image == first.Overlay):
				t.Error("the previous image's map is still on screen")
			case tt.slow && !strings.Contains(e.info.Text, "press Explain"):
				t.Errorf("the tab says %q", e.info.Text)
			case !tt.slow && (e.cur == nil || e.cur == first):
				t.Error("Grad-CAM did not follow the new image")
			}
			if tt.slow {
				e.start()
				settle(u)
				if e.cur == nil || e.view.img.Image != e.cur.Overlay {
					t.Errorf("Explain did not show the new image's map: %q", e.info.Text)
				}
			}
		})
	}
}

// TestClassPhrase: the Explain tab said "Grad-CAM of class class 603" for
// a model whose classes have generic names.
func TestClassPhrase(t *testing.T) {
	for in, want := range map[string]string{"class 603": "class 603", "cats": "class cats", "classic": "class classic"} {
		if got := classPhrase(in); got != want {
			t.Errorf("classPhrase(%q) = %q, want %q", in, got, want)
		}
	}
}
