package app

import (
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/session"
	"github.com/convscope/convscope/nn"
)

// residualGraph is a small functional model on 24×24 RGB input: conv,
// relu, conv, add (a residual connection), pooling, then two logits.
func residualGraph(t *testing.T) *nn.Graph {
	t.Helper()
	g := nn.NewGraph([]int{24, 24, 3})
	g.Add(nn.NewConv2D(6, 3, 3, nn.WithPadding("same"), nn.WithName("stem")), nn.GraphInput)
	g.Add(nn.NewReLU(0, 0, 0, nn.WithName("stem_relu")), "stem")
	g.Add(nn.NewConv2D(6, 3, 3, nn.WithPadding("same"), nn.WithName("branch")), "stem_relu")
	g.Add(nn.NewAdd(nn.WithName("residual")), "stem", "branch")
	g.Add(nn.NewMaxPooling2D(2, 2, nn.WithName("pool")), "residual")
	g.Add(nn.NewGlobalAveragePooling2D(nn.WithName("gap")), "pool")
	g.Add(nn.NewDense(2, nn.WithName("logits")), "gap")
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	g.Init(5)
	return g
}

// saveGraph writes g as a .safetensors model file and returns its path.
func saveGraph(t *testing.T, g *nn.Graph) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "residual.safetensors")
	if err := nn.SaveGraphFile(p, g, nn.Metadata{ClassNames: []string{"circles", "crosses"}}); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestGraphModelShowsEveryNode: a functional model opened from a file
// shows every node with a spatial output, in order, named as in the
// file; the filter keeps the convolutions; the summary says what each
// node is connected to.
func TestGraphModelShowsEveryNode(t *testing.T) {
	u := newTestUI(t)
	u.openPath(saveGraph(t, residualGraph(t)))
	settle(u)
	if !u.ses.Model().IsGraph() {
		t.Fatalf("model on screen: %+v", u.ses.Model())
	}
	u.openSample(1)
	settle(u)
	if got, want := headers(u), []string{"stem", "stem_relu", "branch", "residual", "pool"}; !slices.Equal(got, want) {
		t.Fatalf("grid lists %v, want %v", got, want)
	}
	if h := shownRow(t, u, u.grid.header[3]).header.Text; !strings.HasPrefix(h, "residual · Add · output (None, 24, 24, 6)") {
		t.Errorf("header %q", h)
	}
	if p := u.side.pred.Text; !strings.HasPrefix(p, "circles") && !strings.HasPrefix(p, "crosses") {
		t.Errorf("prediction %q", p)
	}
	// A model of logits: the side panel says the numbers are their softmax.
	if sm := u.Frame().Prediction.Softmaxed; sm != strings.Contains(bandsText(u), "softmax") {
		t.Errorf("softmaxed %v, side panel notes %q", sm, bandsText(u))
	}
	u.grid.filter.SetSelected(filterConv)
	if got, want := headers(u), []string{"stem", "branch"}; !slices.Equal(got, want) {
		t.Errorf("convolutions only: %v, want %v", got, want)
	}
	u.side.layers.Select(3) // "residual", hidden by the filter: every layer shows again
	if got := len(headers(u)); got != 5 || u.grid.filter.Selected != filterAll {
		t.Errorf("jumping to a filtered-out layer: %d layers listed, filter %q", got, u.grid.filter.Selected)
	}
	u.showModelSummary()
	settle(u)
	var summary string
	walk(topOverlay(u), func(o fyne.CanvasObject) bool {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "Connected to") {
			summary = l.Text
			return true
		}
		return false
	})
	if u.summaryDialog == nil || !strings.Contains(summary, "residual (Add)") || !strings.Contains(summary, "stem") {
		t.Errorf("summary dialog:\n%s", summary)
	}
}

// bandsText is the text of the side panel's prediction notes.
func bandsText(u *UI) string {
	var b strings.Builder
	for _, o := range u.side.bars.Objects {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text)
		}
	}
	return b.String()
}

// TestONNXPreprocessingRemembered: the first time an ONNX file opens the
// app asks for its preprocessing; the choice is remembered for that file
// and shown (and changeable) in the side panel.
func TestONNXPreprocessingRemembered(t *testing.T) {
	path, err := filepath.Abs("../internal/onnx/testdata/parity/resnet_folded.onnx")
	if err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t)
	u.openPath(path)
	settle(u)
	if u.preprocessDialog == nil || topOverlay(u) == nil {
		t.Fatal("opening an ONNX file asked nothing")
	}
	if u.ses.Model().IsGraph() {
		t.Fatal("the model opened before the question was answered")
	}
	radio := findRadio(topOverlay(u))
	if radio == nil || len(radio.Options) != 3 {
		t.Fatalf("no preset choice in the dialog: %v", radio)
	}
	radio.SetSelected(radio.Options[1]) // imagenet
	test.Tap(findButton(topOverlay(u), "Open"))
	settle(u)
	m := u.ses.Model()
	if !m.IsGraph() || m.Preprocess != "imagenet" {
		t.Fatalf("opened %q with %q", m.Label, m.Preprocess)
	}
	if !u.side.prepBox.Visible() || !strings.Contains(u.side.prep.Text, "imagenet") {
		t.Errorf("side panel: %q (visible %v)", u.side.prep.Text, u.side.prepBox.Visible())
	}
	dismissOverlays(u)

	// Opened again (any session with the same preferences): no question.
	u.preprocessDialog = nil
	u.loadModel("builtin:default")
	settle(u)
	u.openPath(path)
	settle(u)
	if u.preprocessDialog != nil {
		t.Error("asked again for a file whose preprocessing is remembered")
	}
	if m := u.ses.Model(); m.Preprocess != "imagenet" {
		t.Errorf("reopened with %q, want the remembered imagenet", m.Preprocess)
	}

	// Changing it in the side panel applies it and remembers it.
	test.Tap(u.side.prepBtn)
	radio = findRadio(topOverlay(u))
	radio.SetSelected(radio.Options[2]) // raw
	test.Tap(findButton(topOverlay(u), "Open"))
	settle(u)
	if m := u.ses.Model(); m.Preprocess != "raw" || u.preprocessFor(path) != "raw" {
		t.Errorf("after the change: %q, remembered %q", m.Preprocess, u.preprocessFor(path))
	}
}

// TestWideLayerDrawsOnlyVisibleBands: a layer of 2048 channels is drawn
// band by band as it scrolls into view, never all of it at once.
func TestWideLayerDrawsOnlyVisibleBands(t *testing.T) {
	g := nn.NewGraph([]int{24, 24, 3})
	g.Add(nn.NewConv2D(8, 3, 3, nn.WithStrides(3, 3), nn.WithName("stem")), nn.GraphInput)
	g.Add(nn.NewConv2D(2048, 1, 1, nn.WithName("wide")), "stem")
	g.Add(nn.NewGlobalAveragePooling2D(nn.WithName("gap")), "wide")
	g.Add(nn.NewDense(2), "gap")
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	drawn := map[session.Band]int{}
	u := newTestUIWith(t, &session.Model{Graph: g, Label: "wide", Trained: true}, func(b session.Band) {
		mu.Lock()
		drawn[b]++
		mu.Unlock()
	})
	u.win.Resize(fyne.NewSize(1000, 700))
	u.openSample(0)
	settle(u)
	f := u.Frame()
	total := len(f.Bands(1))
	count := func() (n int, channels int) {
		mu.Lock()
		defer mu.Unlock()
		for b, k := range drawn {
			if k != 1 {
				t.Errorf("band %+v drawn %d times", b, k)
			}
			n += k
			if b.Layer == 1 {
				channels += b.C1 - b.C0
			}
		}
		return n, channels
	}
	n, ch := count()
	t.Logf("on screen: %d bands drawn (%d channels of the wide layer) of its %d bands", n, ch, total)
	// 573 pixels of list: the stem's band and the first two of the wide
	// layer (428 pixels each) at most.
	if total < 10 || n == 0 || n > 3 || ch >= 2048/8 {
		t.Fatalf("%d of the wide layer's %d bands drawn (%d bands in all, %d of its channels): want only those on screen", total, total, n, ch)
	}
	// Scroll to the end: the last band is drawn, the middle ones are not.
	last := len(u.grid.items) - 1
	shownRow(t, u, last)
	mu.Lock()
	lastBand := u.grid.items[last].band
	got := drawn[lastBand]
	mu.Unlock()
	if got != 1 {
		t.Errorf("the last band was drawn %d times after scrolling to it", got)
	}
	if n2, ch2 := count(); n2 > 6 || ch2 >= 2048/4 {
		t.Errorf("after scrolling to the end %d bands (%d channels) drawn of %d", n2, ch2, total)
	}
}

// findRadio returns the first radio group under o.
func findRadio(o fyne.CanvasObject) *widget.RadioGroup {
	var found *widget.RadioGroup
	walk(o, func(o fyne.CanvasObject) bool {
		if r, ok := o.(*widget.RadioGroup); ok {
			found = r
			return true
		}
		return false
	})
	return found
}

// walk visits o and everything inside it until visit returns true.
func walk(o fyne.CanvasObject, visit func(fyne.CanvasObject) bool) bool {
	if o == nil || visit(o) {
		return o != nil
	}
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			if walk(c, visit) {
				return true
			}
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			if walk(c, visit) {
				return true
			}
		}
	}
	return false
}
