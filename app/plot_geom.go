package app

import (
	"fmt"
	"math"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/convscope/convscope/internal/session"
)

// plotGeom maps data to widget coordinates.
type plotGeom struct {
	ok                       bool
	left, right, top, bottom float32
	xmin, xmax, ymin, ymax   float64
	xt, yt                   []float64
	ystep                    float64
}

const (
	plotTitleH = 22
	plotLegH   = 20
)

// legendItem is one legend entry's place.
type legendItem struct {
	x, y float32 // start of the colour swatch, line centre
}

// layoutLegend places the legend entries from left, wrapping to a new row
// when the next one would pass right; it returns the places and the
// legend's height.
func layoutLegend(c session.Chart, left, right float32) ([]legendItem, float32) {
	ts := theme.CaptionTextSize()
	items := make([]legendItem, len(c.Series))
	x, row := left, 0
	for i, s := range c.Series {
		w := 20 + fyne.MeasureText(s.Name, ts, fyne.TextStyle{}).Width
		if x > left && x+w > right {
			x, row = left, row+1
		}
		items[i] = legendItem{x, plotTitleH + float32(row)*plotLegH + plotLegH/2}
		x += w + 12
	}
	return items, float32(row+1) * plotLegH
}

func newPlotGeom(c session.Chart, size fyne.Size) plotGeom {
	var g plotGeom
	xmin, xmax, ymin, ymax, ok := c.Bounds()
	g.ok = ok
	if !ok {
		xmin, xmax, ymin, ymax = 0, 1, 0, 1
	}
	xmin = math.Min(xmin, 0)
	nx := max(2, int(size.Width/90))
	ny := max(2, int(size.Height/50))
	g.xt, _ = session.NiceTicks(xmin, xmax, nx)
	g.yt, g.ystep = session.NiceTicks(ymin, ymax, ny)
	g.xmin, g.xmax = g.xt[0], g.xt[len(g.xt)-1]
	g.ymin, g.ymax = g.yt[0], g.yt[len(g.yt)-1]
	g.left = 56
	g.right = size.Width - 12
	_, legH := layoutLegend(c, g.left, g.right)
	g.top = plotTitleH + legH + 4
	g.bottom = size.Height - 34
	if g.right <= g.left+10 || g.bottom <= g.top+10 {
		g.ok = false
	}
	return g
}

func (g plotGeom) px(x float64) float32 {
	return g.left + float32((x-g.xmin)/(g.xmax-g.xmin))*(g.right-g.left)
}

func (g plotGeom) py(y float64) float32 {
	return g.bottom - float32((y-g.ymin)/(g.ymax-g.ymin))*(g.bottom-g.top)
}

func (g plotGeom) dataX(x float32) float64 {
	return g.xmin + float64((x-g.left)/(g.right-g.left))*(g.xmax-g.xmin)
}

// readout describes every series' nearest point to data x.
func (g plotGeom) readout(c session.Chart, x float64) string {
	s := ""
	for k, i := range c.Nearest(x) {
		if i < 0 {
			continue
		}
		pt := c.Series[k].Points[i]
		if s != "" {
			s += "   "
		}
		s += fmt.Sprintf("%s %s @ %s", c.Series[k].Name, fmtTick(pt.Y, g.ystep/100), strconv.FormatFloat(pt.X, 'f', 2, 64))
	}
	return s
}

func fmtTick(v, step float64) string {
	d := 0
	if step > 0 && step < 1 {
		d = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	return strconv.FormatFloat(v, 'f', min(d, 6), 64)
}
