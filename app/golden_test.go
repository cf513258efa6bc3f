package app

import (
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/convscope/convscope/internal/session"
	"github.com/convscope/convscope/nn"
)

// goldenChart is a fixed two-epoch training history.
func goldenChart() session.Chart {
	h := session.NewMetrics(10)
	for e := range 3 {
		for s := range 10 {
			x := float64(e) + float64(s+1)/10
			h.AddBatch(nn.BatchLog{Epoch: e, Step: s, Loss: 0.7 * math.Exp(-x/2), Accuracy: 1 - 0.5*math.Exp(-x)})
		}
		h.AddEpoch(nn.EpochLog{Epoch: e, Loss: 0.7 * math.Exp(-float64(e+1)/2), Validated: true, ValLoss: 0.75 * math.Exp(-float64(e+1)/2.5)})
	}
	loss, _ := h.Charts(0)
	return loss
}

func TestPlotGolden(t *testing.T) {
	test.NewTempApp(t)
	p := NewPlot()
	p.SetChart(goldenChart())
	p.Resize(fyne.NewSize(420, 260))
	test.AssertObjectRendersToImage(t, "plot.png", p)

	// The readout names each series' value under the mouse.
	if r := p.Readout(210); r == "" || !contains(r, "val_loss") {
		t.Errorf("readout %q", r)
	}
	if r := p.Readout(2); r != "" {
		t.Errorf("readout left of the axes %q", r)
	}
	p.MouseMoved(mouseAt(210, 120))
	test.AssertObjectRendersToImage(t, "plot_hover.png", p)
}

func TestEmptyPlotGolden(t *testing.T) {
	test.NewTempApp(t)
	p := NewPlot()
	p.SetChart(session.Chart{Title: "Accuracy", XLabel: "epoch"})
	p.Resize(fyne.NewSize(300, 200))
	test.AssertObjectRendersToImage(t, "plot_empty.png", p)
}

func TestGridGolden(t *testing.T) {
	u := newTestUI(t)
	u.openSample(0)
	settle(u)
	u.win.Resize(fyne.NewSize(900, 640))
	settle(u)
	u.status.SetText("sample 1 (circles) · tiny test model") // timings vary
	test.AssertRendersToImage(t, "window_grid.png", u.win.Canvas())
	test.AssertObjectRendersToImage(t, "grid_first_layer.png", u.grid.sections[0].box)
}
