package cli

import (
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"
)

// Metric is one named value shown after a progress bar, e.g. loss: 0.5210.
type Metric struct {
	Name  string
	Value float64
}

// Progbar draws Keras' training progress bar (keras.utils.Progbar, verbose=1):
//
//	 37/100 [==========>...................] - ETA: 8s - loss: 0.6920 - acc: 0.5200
//	100/100 [==============================] - 12s 120ms/step - loss: 0.5210 - acc: 0.7400
//
// On a terminal (dynamic) Update redraws the bar in place with "\r", at
// most every Interval; otherwise only Finish writes, so a log file gets one
// line per epoch. The caller passes the elapsed time, so that pauses and
// the time before the first step can be left out.
type Progbar struct {
	w        io.Writer
	target   int
	dynamic  bool
	last     time.Time // time of the last redraw
	width    int       // characters written on the current line
	finished bool

	// Width is the bar's width in characters (Keras: 30).
	Width int
	// Interval is the least time between two redraws on a terminal
	// (Keras: 0.05 s).
	Interval time.Duration
	// Now returns the current time, for throttling; tests replace it.
	Now func() time.Time
}

// NewProgbar returns a bar for target steps writing to w. dynamic selects
// in-place redrawing (use isTerminal(w)).
func NewProgbar(w io.Writer, target int, dynamic bool) *Progbar {
	return &Progbar{w: w, target: target, dynamic: dynamic, Width: 30, Interval: 50 * time.Millisecond, Now: time.Now}
}

// Update shows, on a terminal, that current of the target steps are done
// after elapsed time, with the metrics' running values. It redraws at most
// every Interval, except that the first and the last step are always drawn.
func (p *Progbar) Update(current int, metrics []Metric, elapsed time.Duration) {
	if p.finished || !p.dynamic {
		return
	}
	now := p.Now()
	if current < p.target && !p.last.IsZero() && now.Sub(p.last) < p.Interval {
		return
	}
	p.last = now
	p.draw(p.Line(current, metrics, elapsed, false), false)
}

// Finish writes the completed line for current steps after elapsed time
// (elapsed and per-step time instead of the ETA) and ends it. Later calls
// do nothing.
func (p *Progbar) Finish(current int, metrics []Metric, elapsed time.Duration) {
	if p.finished {
		return
	}
	p.draw(p.Line(current, metrics, elapsed, true), true)
}

// draw writes line, over the previous one on a terminal.
func (p *Progbar) draw(line string, final bool) {
	var b strings.Builder
	if p.dynamic {
		b.WriteByte('\r')
		b.WriteString(line)
		if len(line) < p.width {
			b.WriteString(strings.Repeat(" ", p.width-len(line)))
		}
	} else {
		b.WriteString(line)
	}
	p.width = len(line)
	if final {
		b.WriteByte('\n')
		p.finished = true
	}
	io.WriteString(p.w, b.String())
}

// Line formats the bar for current steps after elapsed time, as Keras does.
// final selects the "- 12s 120ms/step" form instead of the ETA.
func (p *Progbar) Line(current int, metrics []Metric, elapsed time.Duration, final bool) string {
	var b strings.Builder
	digits := len(fmt.Sprint(p.target))
	fmt.Fprintf(&b, "%*d/%d [", digits, current, p.target)
	filled := 0
	if p.target > 0 {
		filled = min(p.Width, int(float64(p.Width)*float64(current)/float64(p.target)))
	}
	if filled > 0 {
		b.WriteString(strings.Repeat("=", filled-1))
		if current < p.target {
			b.WriteByte('>')
		} else {
			b.WriteByte('=')
		}
	}
	b.WriteString(strings.Repeat(".", p.Width-filled))
	b.WriteByte(']')
	perStep := 0.0
	if current > 0 {
		perStep = elapsed.Seconds() / float64(current)
	}
	if final {
		fmt.Fprintf(&b, " - %.0fs %s", elapsed.Seconds(), formatPerStep(perStep))
	} else {
		fmt.Fprintf(&b, " - ETA: %s", formatETA(perStep*float64(p.target-current)))
	}
	for _, m := range metrics {
		fmt.Fprintf(&b, " - %s: %s", m.Name, formatMetric(m.Value))
	}
	return b.String()
}

// formatPerStep writes the time per step as Keras does: "2s/step",
// "120ms/step" or "850us/step".
func formatPerStep(s float64) string {
	switch {
	case s >= 1:
		return fmt.Sprintf("%.0fs/step", s)
	case s >= 1e-3:
		return fmt.Sprintf("%.0fms/step", s*1e3)
	}
	return fmt.Sprintf("%.0fus/step", s*1e6)
}

// formatETA writes the remaining time as Keras does: "8s", "2:05" or
// "1:02:05".
func formatETA(s float64) string {
	t := int(s)
	switch {
	case s > 3600:
		return fmt.Sprintf("%d:%02d:%02d", t/3600, t%3600/60, t%60)
	case s > 60:
		return fmt.Sprintf("%d:%02d", t/60, t%60)
	}
	return fmt.Sprintf("%ds", t)
}

// formatMetric writes a metric as Keras does: four decimals, or scientific
// notation for magnitudes of 1e-3 and below.
func formatMetric(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan" // as Python prints it
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	if math.Abs(v) > 1e-3 {
		return fmt.Sprintf("%.4f", v)
	}
	return fmt.Sprintf("%.4e", v)
}

// isTerminal reports whether w is a terminal (a character device), where
// progress bars are redrawn in place.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
