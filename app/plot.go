package app

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/session"
)

// plotPalette holds the series colours (matplotlib's tab:blue and
// tab:orange: training and validation).
var plotPalette = []color.NRGBA{{0x1f, 0x77, 0xb4, 0xff}, {0xff, 0x7f, 0x0e, 0xff}}

// Plot is a line chart of training curves: axes with ticks, a legend and a
// value readout under the mouse. It draws with canvas lines and texts, so
// it follows the theme and stays crisp at any scale. Its renderer keeps its
// canvas objects: new data or a new size moves and refreshes them (adding
// objects only when there are more points than ever before), and the mouse
// only moves the readout. Use it on the Fyne goroutine.
type Plot struct {
	widget.BaseWidget

	chart  session.Chart
	hoverX float32 // mouse x in widget coordinates, <0 when outside
	r      *plotRenderer
}

// NewPlot returns an empty plot.
func NewPlot() *Plot {
	p := &Plot{hoverX: -1}
	p.ExtendBaseWidget(p)
	return p
}

// SetChart replaces the data and redraws. A plot not drawn yet (on a tab
// not shown since the start) only keeps the data: its renderer draws it
// when it is first made, so building the hidden Training tab at start
// draws no chart (issue #17, startup).
func (p *Plot) SetChart(c session.Chart) {
	p.chart = c
	if p.r != nil {
		p.Refresh()
	}
}

// Chart returns the data on display.
func (p *Plot) Chart() session.Chart { return p.chart }

// Points returns the total number of points on display.
func (p *Plot) Points() int {
	n := 0
	for _, s := range p.chart.Series {
		n += len(s.Points)
	}
	return n
}

// MouseIn shows the readout.
func (p *Plot) MouseIn(e *desktop.MouseEvent) { p.MouseMoved(e) }

// MouseMoved moves the readout.
func (p *Plot) MouseMoved(e *desktop.MouseEvent) { p.hover(e.Position.X) }

// MouseOut hides the readout.
func (p *Plot) MouseOut() { p.hover(-1) }

func (p *Plot) hover(x float32) {
	p.hoverX = x
	if p.r != nil {
		p.r.hover(p.Size())
	}
}

// MinSize keeps room for the axes and a readable curve.
func (p *Plot) MinSize() fyne.Size { return fyne.NewSize(240, 160) }

// CreateRenderer implements fyne.Widget.
func (p *Plot) CreateRenderer() fyne.WidgetRenderer {
	r := newPlotRenderer(p)
	p.r = r
	r.build(p.Size())
	return r
}

// Readout returns the text shown for the mouse at widget x (empty if none).
func (p *Plot) Readout(x float32) string {
	g := newPlotGeom(p.chart, p.Size())
	if !g.ok || x < g.left || x > g.right {
		return ""
	}
	return g.readout(p.chart, g.dataX(x))
}

// plotRenderer draws a Plot with objects it keeps between frames: texts,
// lines and dots come from pools that only grow, and the readout has its
// own three objects, hidden while the mouse is away.
type plotRenderer struct {
	p       *Plot
	texts   pool[*canvas.Text]
	lines   pool[*canvas.Line]
	dots    pool[*canvas.Circle]
	objects []fyne.CanvasObject // what build placed, in drawing order

	hoverLine *canvas.Line
	hoverBG   *canvas.Rectangle
	hoverText *canvas.Text
}

// pool hands out kept objects in order; reset starts again from the first.
type pool[T fyne.CanvasObject] struct {
	items []T
	n     int
	make  func() T
}

func (p *pool[T]) reset() { p.n = 0 }

func (p *pool[T]) next() T {
	if p.n == len(p.items) {
		p.items = append(p.items, p.make())
	}
	it := p.items[p.n]
	p.n++
	return it
}

func newPlotRenderer(p *Plot) *plotRenderer {
	r := &plotRenderer{p: p}
	r.texts.make = func() *canvas.Text { return canvas.NewText("", color.Black) }
	r.lines.make = func() *canvas.Line { return canvas.NewLine(color.Black) }
	r.dots.make = func() *canvas.Circle { return canvas.NewCircle(color.Black) }
	r.hoverLine = canvas.NewLine(color.Black)
	r.hoverBG = canvas.NewRectangle(color.Black)
	r.hoverText = canvas.NewText("", color.Black)
	r.hoverLine.Hide()
	r.hoverBG.Hide()
	r.hoverText.Hide()
	return r
}

func (r *plotRenderer) Layout(size fyne.Size)        { r.build(size) }
func (r *plotRenderer) MinSize() fyne.Size           { return r.p.MinSize() }
func (r *plotRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *plotRenderer) Destroy()                     {}
func (r *plotRenderer) Refresh() {
	r.build(r.p.Size())
	canvas.Refresh(r.p)
}

// build places the chart's objects for size, reusing the pooled ones.
func (r *plotRenderer) build(size fyne.Size) {
	c := r.p.chart
	r.texts.reset()
	r.lines.reset()
	r.dots.reset()
	objs := r.objects[:0]
	defer func() {
		r.objects = append(objs, r.hoverLine, r.hoverBG, r.hoverText)
		r.hover(size)
	}()

	fg := theme.Color(theme.ColorNameForeground)
	grid := theme.Color(theme.ColorNameSeparator)
	ts := theme.CaptionTextSize()
	text := func(s string, x, y float32, align fyne.TextAlign, col color.Color, bold bool) {
		t := r.texts.next()
		t.Text, t.Color, t.TextSize = s, col, ts
		t.TextStyle = fyne.TextStyle{Bold: bold}
		ms := t.MinSize()
		t.Resize(ms)
		switch align {
		case fyne.TextAlignCenter:
			x -= ms.Width / 2
		case fyne.TextAlignTrailing:
			x -= ms.Width
		}
		t.Move(fyne.NewPos(x, y-ms.Height/2))
		t.Refresh()
		objs = append(objs, t)
	}
	line := func(x1, y1, x2, y2 float32, col color.Color, w float32) {
		l := r.lines.next()
		l.StrokeColor, l.StrokeWidth = col, w
		l.Position1, l.Position2 = fyne.NewPos(x1, y1), fyne.NewPos(x2, y2)
		l.Refresh()
		objs = append(objs, l)
	}

	g := newPlotGeom(c, size)
	text(c.Title, size.Width/2, plotTitleH/2, fyne.TextAlignCenter, fg, true)
	if size.Width < 20 || size.Height < 20 {
		return
	}
	if g.right > g.left+10 && g.bottom > g.top+10 {
		for _, y := range g.yt {
			py := g.py(y)
			line(g.left, py, g.right, py, grid, 1)
			text(fmtTick(y, g.ystep), g.left-6, py, fyne.TextAlignTrailing, fg, false)
		}
		_, xstep := session.NiceTicks(g.xmin, g.xmax, len(g.xt))
		for _, x := range g.xt {
			px := g.px(x)
			line(px, g.bottom, px, g.bottom+4, fg, 1)
			text(fmtTick(x, xstep), px, g.bottom+12, fyne.TextAlignCenter, fg, false)
		}
		text(c.XLabel, (g.left+g.right)/2, g.bottom+26, fyne.TextAlignCenter, fg, false)
		line(g.left, g.top, g.left, g.bottom, fg, 1)
		line(g.left, g.bottom, g.right, g.bottom, fg, 1)
	}
	if !g.ok {
		if len(c.Series) == 0 {
			// In the placeholder colour (the grid's was dark gray on
			// black, issue #17 defect 8) and between grid lines, a
			// quarter down the axes, not struck through by the middle one.
			y := size.Height / 2
			if g.bottom > g.top+10 {
				y = g.top + (g.bottom-g.top)/4
			}
			text("no data yet", (g.left+g.right)/2, y, fyne.TextAlignCenter, theme.Color(theme.ColorNamePlaceHolder), false)
		}
		return
	}
	// Series: batch curves first (thin, translucent), epoch points on top.
	for pass := 0; pass < 2; pass++ {
		for _, s := range c.Series {
			if s.Markers != (pass == 1) {
				continue
			}
			col := plotPalette[s.Color%len(plotPalette)]
			w := float32(2)
			if !s.Markers {
				col.A = 0x90
				w = 1.2
			}
			for i := 1; i < len(s.Points); i++ {
				a, b := s.Points[i-1], s.Points[i]
				if !finitePt(a) || !finitePt(b) {
					continue
				}
				line(g.px(a.X), g.py(a.Y), g.px(b.X), g.py(b.Y), col, w)
			}
			if s.Markers {
				for _, pt := range s.Points {
					if !finitePt(pt) {
						continue
					}
					d := r.dots.next()
					d.FillColor = col
					d.Resize(fyne.NewSize(7, 7))
					d.Move(fyne.NewPos(g.px(pt.X)-3.5, g.py(pt.Y)-3.5))
					d.Refresh()
					objs = append(objs, d)
				}
			}
		}
	}
	// Legend.
	items, _ := layoutLegend(c, g.left, g.right)
	for i, s := range c.Series {
		col := plotPalette[s.Color%len(plotPalette)]
		if !s.Markers {
			col.A = 0x90
		}
		it := items[i]
		line(it.x, it.y, it.x+16, it.y, col, 2)
		text(s.Name, it.x+20, it.y, fyne.TextAlignLeading, fg, false)
	}
}

// hover places the readout for the mouse position, or hides it: the only
// objects the mouse touches.
func (r *plotRenderer) hover(size fyne.Size) {
	c, x := r.p.chart, r.p.hoverX
	g := newPlotGeom(c, size)
	if !g.ok || size.Width < 20 || size.Height < 20 || x < g.left || x > g.right {
		if r.hoverLine.Visible() {
			r.hoverLine.Hide()
			r.hoverBG.Hide()
			r.hoverText.Hide()
		}
		return
	}
	fg := theme.Color(theme.ColorNameForeground)
	l := r.hoverLine
	l.StrokeColor, l.StrokeWidth = theme.Color(theme.ColorNameSeparator), 1
	l.Position1, l.Position2 = fyne.NewPos(x, g.top), fyne.NewPos(x, g.bottom)
	t := r.hoverText
	t.Text, t.Color, t.TextSize = g.readout(c, g.dataX(x)), fg, theme.CaptionTextSize()
	ms := t.MinSize()
	bx := max(min(x+8, size.Width-ms.Width-4), 0)
	bg := r.hoverBG
	bg.FillColor = theme.Color(theme.ColorNameOverlayBackground)
	bg.Resize(fyne.NewSize(ms.Width+6, ms.Height+2))
	bg.Move(fyne.NewPos(bx-3, g.top+2))
	t.Resize(ms)
	t.Move(fyne.NewPos(bx, g.top+3))
	for _, o := range []fyne.CanvasObject{l, bg, t} {
		o.Show()
		o.Refresh()
	}
}

func finitePt(p session.Point) bool {
	return !math.IsNaN(p.X) && !math.IsInf(p.X, 0) && !math.IsNaN(p.Y) && !math.IsInf(p.Y, 0)
}
