package app

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"github.com/convscope/convscope/internal/session"
)

// TestViewMenuHasEveryTab: View listed Activations, Training, Atlas and
// Compare, not Explain. Every tab has an item named as it, and the item
// selects that tab.
func TestViewMenuHasEveryTab(t *testing.T) {
	u := newTestUI(t)
	var view map[string]func()
	for _, m := range u.mainMenu().Items {
		if m.Label == "View" {
			view = map[string]func(){}
			for _, it := range m.Items {
				view[it.Label] = it.Action
			}
		}
	}
	if view == nil {
		t.Fatal("no View menu")
	}
	for _, ti := range u.tabs.Items {
		act, ok := view[ti.Text]
		if !ok || act == nil {
			t.Errorf("View menu has no item for the %s tab", ti.Text)
			continue
		}
		u.tabs.SelectIndex(0)
		if ti.Text == "Activations" {
			u.tabs.SelectIndex(1)
		}
		act()
		settle(u)
		if got := u.tabs.Selected().Text; got != ti.Text {
			t.Errorf("View ▸ %s selected the %s tab", ti.Text, got)
		}
	}
}

// TestOpeningAnImageKeepsExplainAndCompare: a sample clicked or an image
// file opened on the Explain or Compare tab left it for Activations, so
// explaining sample after sample, or "pin, open another image, compare",
// meant going back to the tab every time. Those two tabs stay; from the
// others the grid comes forward as before.
func TestOpeningAnImageKeepsExplainAndCompare(t *testing.T) {
	u := newTestUI(t)
	img := writePNG(t, t.TempDir(), "photo.png", 40, 30)
	for _, c := range []struct {
		from, want string
	}{
		{"Activations", "Activations"},
		{"Training", "Activations"},
		{"Atlas", "Activations"},
		{"Explain", "Explain"},
		{"Compare", "Compare"},
	} {
		for _, how := range []string{"sample", "file"} {
			selectTab(t, u, c.from)
			settle(u)
			if how == "sample" {
				u.openSample(1)
			} else {
				u.openPath(img)
			}
			settle(u)
			if got := u.tabs.Selected().Text; got != c.want {
				t.Errorf("opening a %s on the %s tab showed %s, expected %s", how, c.from, got, c.want)
			}
		}
	}
	// Explain followed the new image: its explanation is of the frame on screen.
	selectTab(t, u, "Explain")
	settle(u)
	u.openSample(2)
	settle(u)
	if u.explain.cur == nil || u.frame == nil || u.frame.Input.Name != testSamples()[2].Name {
		t.Fatalf("no explanation or frame after opening sample 3 on the Explain tab")
	}
}

// explainTabUI is a test window with sample 1 open on the Explain tab.
func explainTabUI(t *testing.T) *UI {
	t.Helper()
	u := newTestUI(t)
	u.openSample(1)
	settle(u)
	selectTab(t, u, "Explain")
	settle(u)
	return u
}

// selectTab selects the tab called name.
func selectTab(t *testing.T, u *UI, name string) {
	t.Helper()
	for i, ti := range u.tabs.Items {
		if ti.Text == name {
			u.tabs.SelectIndex(i)
			return
		}
	}
	t.Fatalf("no %s tab", name)
}

// TestHoverStatusEnds: the status line kept the last hovered cell ("conv2d_1
// channel 24, cell (13, 57): receptive field …") after the mouse left the
// grid, on every other tab. Leaving puts back what the line said before;
// a message written during the hover stays.
func TestHoverStatusEnds(t *testing.T) {
	u := newTestUI(t)
	u.openSample(1)
	settle(u)
	before := u.status.Text
	if before == "" {
		t.Fatal("no status after opening a sample")
	}
	u.hoverCell("conv2d_1", 0, 2, 3, true)
	u.hoverCell("conv2d_1", 1, 4, 5, true)
	if !strings.Contains(u.status.Text, "receptive field") {
		t.Fatalf("hover status %q", u.status.Text)
	}
	u.hoverCell("", 0, 0, 0, false)
	if u.status.Text != before {
		t.Errorf("after the hover the status is %q, expected %q", u.status.Text, before)
	}
	u.hoverCell("conv2d_1", 0, 2, 3, true)
	u.setStatus("Saved /tmp/x.png")
	u.hoverCell("", 0, 0, 0, false)
	if u.status.Text != "Saved /tmp/x.png" {
		t.Errorf("a message written during the hover was replaced by %q", u.status.Text)
	}
}

// TestEpochsText: "Done: 1 epochs." and "(1 epochs complete)".
func TestEpochsText(t *testing.T) {
	for n, want := range map[int]string{0: "0 epochs", 1: "1 epoch", 2: "2 epochs", 30: "30 epochs"} {
		if got := epochsText(n); got != want {
			t.Errorf("epochsText(%d) = %q, expected %q", n, got, want)
		}
	}
}

// TestVersionText: a plain `go build` run away from the project has Fyne's
// placeholder metadata (no ID, 0.0.1, build 1), and About said "Convscope
// 0.0.1 (build 1)" for version 0.1.0.
func TestVersionText(t *testing.T) {
	placeholder := fyne.AppMetadata{Version: "0.0.1", Build: 1}
	packaged := fyne.AppMetadata{ID: "io.github.convscope", Version: "0.1.0", Build: 7}
	for _, c := range []struct {
		md        fyne.AppMetadata
		prog, rev string
		want      string
	}{
		{packaged, "0.1.0", "abcdef123456", "0.1.0 (build 7)"},
		{fyne.AppMetadata{ID: "io.github.convscope", Version: "0.1.0"}, "", "", "0.1.0"},
		{placeholder, "0.1.0", "abcdef123456", "0.1.0 (development build abcdef123456)"},
		{placeholder, "0.1.0", "", "0.1.0 (development build)"},
		{fyne.AppMetadata{}, "", "abcdef123456", "development build abcdef123456"},
		{fyne.AppMetadata{}, "", "", "development build"},
	} {
		if got := versionText(c.md, c.prog, c.rev); got != c.want {
			t.Errorf("versionText(%+v, %q, %q) = %q, expected %q", c.md, c.prog, c.rev, got, c.want)
		}
	}
	u := newTestUIOpts(t, Options{Model: tinyModel(t), Version: "9.8.7"})
	if v := u.version(); !strings.HasPrefix(v, "9.8.7 (development build") {
		t.Errorf("About's version %q, expected Options.Version as a development build", v)
	}
}

// TestUserMessage: errors reached the dialogs with our Go packages' names
// in them ("dataset: folder x has only one class subfolder (a) …",
// "m.safetensors: nn: safetensors: header length …").
func TestUserMessage(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"dataset: folder /x/onecls has only one class subfolder (a): expected at least two, one per class",
			"folder /x/onecls has only one class subfolder (a): expected at least two, one per class"},
		{"/tmp/trunc.safetensors: nn: safetensors: header length 4072 is larger than the file (1000 bytes)",
			"/tmp/trunc.safetensors: safetensors: header length 4072 is larger than the file (1000 bytes)"},
		{"transfer: cut after: \"x\" is not a layer", "cut after: \"x\" is not a layer"},
		{"onnx: truncated or corrupt file: model: unexpected wire type 6", "onnx: truncated or corrupt file: model: unexpected wire type 6"},
		{"the dataset: two words", "the dataset: two words"},
		{"explain", "explain"},
		{"", ""},
	} {
		if got := session.UserMessage(c.in); got != c.want {
			t.Errorf("UserMessage(%q) = %q, expected %q", c.in, got, c.want)
		}
	}
	u := newTestUI(t)
	u.showError("Cannot start training", errors.New("dataset: folder /x has only one class subfolder (a)"))
	if strings.Contains(overlayText(u), "dataset:") || u.status.Text != "Cannot start training: folder /x has only one class subfolder (a)" {
		t.Errorf("dialog %q, status %q", overlayText(u), u.status.Text)
	}
}
