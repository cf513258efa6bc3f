package workbench

import "math"

// Smoothing is the weight of the exponential moving average applied to
// per-batch values, as TensorBoard's smoothing slider (0.6 by default
// there; per-batch losses of small batches are noisy, so a bit more here).
const Smoothing = 0.8

// LiveHistory accumulates the logs of a running training for the plot:
// per-batch values (smoothed) and per-epoch values, on an x axis counted
// in epochs (batch s of epoch e, both 1-based, sits at e-1+s/steps; the
// end of epoch e at e). It is not safe for concurrent use.
type LiveHistory struct {
	steps  int
	batch  map[string][]Point
	epoch  map[string][]Point
	ema    map[string]ema
	series []string // metric names in first-seen order
}

type ema struct {
	v float64
	n int
}

// add returns the bias-corrected moving average after adding x
// (TensorBoard's debiased EMA), skipping non-finite values.
func (e *ema) add(x float64) float64 {
	if !finite(x) {
		if e.n == 0 {
			return x
		}
		return e.v / (1 - math.Pow(Smoothing, float64(e.n)))
	}
	e.v = Smoothing*e.v + (1-Smoothing)*x
	e.n++
	return e.v / (1 - math.Pow(Smoothing, float64(e.n)))
}

// NewLiveHistory returns an empty history for steps batches per epoch.
func NewLiveHistory(steps int) *LiveHistory {
	if steps < 1 {
		steps = 1
	}
	return &LiveHistory{steps: steps, batch: map[string][]Point{}, epoch: map[string][]Point{}, ema: map[string]ema{}}
}

func (h *LiveHistory) note(name string) {
	if _, ok := h.batch[name]; ok {
		return
	}
	if _, ok := h.epoch[name]; ok {
		return
	}
	h.series = append(h.series, name)
}

// AddBatch records the logs of batch step (1-based) of epoch (1-based).
func (h *LiveHistory) AddBatch(epoch, step int, logs map[string]float64) {
	x := float64(epoch-1) + float64(step)/float64(h.steps)
	for k, v := range logs {
		h.note(k)
		e := h.ema[k]
		s := e.add(v)
		h.ema[k] = e
		h.batch[k] = append(h.batch[k], Point{x, s})
	}
}

// AddEpoch records the end-of-epoch logs of epoch (1-based).
func (h *LiveHistory) AddEpoch(epoch int, logs map[string]float64) {
	for k, v := range logs {
		h.note(k)
		h.epoch[k] = append(h.epoch[k], Point{float64(epoch), v})
	}
}

// Epochs returns the number of epochs recorded.
func (h *LiveHistory) Epochs() int {
	n := 0
	for _, p := range h.epoch {
		n = max(n, len(p))
	}
	return n
}

// Charts returns the loss chart (loss, val_loss) and the accuracy chart
// (accuracy, val_accuracy), each with the smoothed per-batch curves and
// the per-epoch points, decimated to at most maxPoints points per series.
// The returned charts share no memory with h.
func (h *LiveHistory) Charts(maxPoints int) (loss, acc Chart) {
	loss = h.chart("Loss", "loss", maxPoints)
	acc = h.chart("Accuracy", "accuracy", maxPoints)
	return loss, acc
}

func (h *LiveHistory) chart(title, metric string, maxPoints int) Chart {
	c := Chart{Title: title, XLabel: "epoch"}
	for i, name := range []string{metric, "val_" + metric} {
		if pts := h.batch[name]; len(pts) > 0 {
			c.Series = append(c.Series, Series{Name: name + " (batch)", Points: Decimate(pts, maxPoints), Color: i})
		}
		if pts := h.epoch[name]; len(pts) > 0 {
			c.Series = append(c.Series, Series{Name: name, Points: Decimate(pts, maxPoints), Markers: true, Color: i})
		}
	}
	return c
}

// Decimate returns a copy of pts with at most n points: when there are
// more, consecutive points are averaged in n equal buckets. n ≤ 0 means
// no limit.
func Decimate(pts []Point, n int) []Point {
	if n <= 0 || len(pts) <= n {
		return append([]Point(nil), pts...)
	}
	out := make([]Point, 0, n)
	for b := 0; b < n; b++ {
		lo, hi := b*len(pts)/n, (b+1)*len(pts)/n
		var sx, sy float64
		for _, p := range pts[lo:hi] {
			sx += p.X
			sy += p.Y
		}
		k := float64(hi - lo)
		out = append(out, Point{sx / k, sy / k})
	}
	return out
}
