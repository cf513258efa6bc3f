package app

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/convscope/convscope/internal/session"
)

// TestPlotHoverKeepsObjects checks that moving the mouse over the plot
// creates no canvas objects: the readout's objects are moved, shown and
// hidden, and everything else stays as it is.
func TestPlotHoverKeepsObjects(t *testing.T) {
	newTempApp(t)
	p := NewPlot()
	p.SetChart(goldenChart())
	w := test.NewWindow(p)
	defer w.Close()
	w.Resize(fyne.NewSize(420, 260))
	p.Resize(fyne.NewSize(420, 260))
	r := p.r
	before := append([]fyne.CanvasObject(nil), r.Objects()...)
	if len(before) < 20 {
		t.Fatalf("%d objects: the chart was not drawn", len(before))
	}
	made := func() int { return len(r.texts.items) + len(r.lines.items) + len(r.dots.items) }
	pooled := made()
	var readouts []string
	for _, x := range []float32{60, 120, 210, 300, 400, 2, 210} {
		p.MouseMoved(mouseAt(x, 120))
		if r.hoverText.Visible() {
			readouts = append(readouts, r.hoverText.Text)
		}
		after := r.Objects()
		if len(after) != len(before) {
			t.Fatalf("hover at %v: %d objects, was %d", x, len(after), len(before))
		}
		for i := range after {
			if after[i] != before[i] {
				t.Fatalf("hover at %v: object %d was replaced", x, i)
			}
		}
	}
	p.MouseOut()
	if r.hoverText.Visible() || r.hoverLine.Visible() {
		t.Error("the readout stays after the mouse left")
	}
	if len(readouts) != 6 || readouts[0] == readouts[2] {
		t.Errorf("readouts %q: want one per position over the axes, changing with x", readouts)
	}
	if made() != pooled {
		t.Errorf("hovering made %d canvas objects", made()-pooled)
	}
	// New data and sizes reuse the pooled objects too.
	p.SetChart(goldenChart())
	p.Resize(fyne.NewSize(400, 250))
	if made() != pooled {
		t.Errorf("redrawing the same chart made %d canvas objects", made()-pooled)
	}
}

// TestEmptyPlotMessageIsLegible: "no data yet" was drawn in the grid's
// colour (dark gray on black in the dark theme) across the middle grid
// line. It is in Fyne's placeholder colour now, WCAG contrast ≥ 3 in the
// dark and the light theme (1.2 before), and keeps clear of
// every grid line.
func TestEmptyPlotMessageIsLegible(t *testing.T) {
	a := newTempApp(t)
	for _, variant := range []fyne.ThemeVariant{theme.VariantDark, theme.VariantLight} {
		a.Settings().SetTheme(variantTheme{theme.DefaultTheme(), variant})
		p := NewPlot()
		p.SetChart(session.Chart{Title: "Loss", XLabel: "epoch"})
		w := test.NewWindow(p)
		w.Resize(fyne.NewSize(600, 260))
		p.Resize(fyne.NewSize(600, 260))
		var msg *canvas.Text
		var grid []float32 // y of the horizontal lines
		for _, o := range p.r.Objects() {
			switch o := o.(type) {
			case *canvas.Text:
				if o.Text == "no data yet" {
					msg = o
				}
			case *canvas.Line:
				if o.Position1.Y == o.Position2.Y {
					grid = append(grid, o.Position1.Y)
				}
			}
		}
		if msg == nil {
			t.Fatal("no \"no data yet\" on an empty chart")
		}
		bg := theme.Color(theme.ColorNameBackground)
		if c := contrast(msg.Color, bg); c < 3 {
			t.Errorf("variant %d: contrast %.2f against the background, want ≥ 3", variant, c)
		}
		top, bottom := msg.Position().Y, msg.Position().Y+msg.Size().Height
		for _, y := range grid {
			if y >= top && y <= bottom {
				t.Errorf("variant %d: a line at y=%v runs through the message (%v…%v)", variant, y, top, bottom)
			}
		}
		w.Close()
	}
}

// contrast is the WCAG 2 contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	lum := func(c color.Color) float64 {
		r, g, b, _ := c.RGBA()
		lin := func(v uint32) float64 {
			x := float64(v) / 0xffff
			if x <= 0.03928 {
				return x / 12.92
			}
			return math.Pow((x+0.055)/1.055, 2.4)
		}
		return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
	}
	la, lb := lum(a), lum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}
