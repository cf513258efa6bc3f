package session

import (
	"math"

	"github.com/convscope/convscope/nn"
)

// Smoothing is the weight of the exponential moving average applied to
// per-batch values, as TensorBoard's smoothing slider (0.6 by default
// there; per-batch losses of small batches are noisy, so a bit more here).
const Smoothing = 0.8

// Metrics is a training run's curves, kept as the plot draws them: points
// on an x axis counted in epochs, appended straight from nn's BatchLog and
// EpochLog (batch s of epoch e, both 0-based, sits at e + (s+1)/steps; the
// end of epoch e at e + 1). Per-batch values are smoothed. It is not safe
// for concurrent use.
type Metrics struct {
	steps int
	// Per-batch (smoothed) and per-epoch curves, indexed by metric.
	batch, epoch, val [numMetrics][]Point
	ema               [numMetrics]ema
}

// The metrics a run records, in chart order.
const (
	lossMetric = iota
	accMetric
	numMetrics
)

var metricNames = [numMetrics]string{"loss", "accuracy"}

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

// NewMetrics returns empty curves for steps batches per epoch.
func NewMetrics(steps int) *Metrics { return &Metrics{steps: max(1, steps)} }

// AddBatch records a batch's running loss and accuracy.
func (m *Metrics) AddBatch(l nn.BatchLog) {
	x := float64(l.Epoch) + float64(l.Step+1)/float64(m.steps)
	for k, v := range [numMetrics]float64{l.Loss, l.Accuracy} {
		m.batch[k] = append(m.batch[k], Point{x, m.ema[k].add(v)})
	}
}

// AddEpoch records an epoch's loss and accuracy, and their validation
// values when it was validated.
func (m *Metrics) AddEpoch(l nn.EpochLog) {
	x := float64(l.Epoch + 1)
	for k, v := range [numMetrics]float64{l.Loss, l.Accuracy} {
		m.epoch[k] = append(m.epoch[k], Point{x, v})
	}
	if l.Validated {
		for k, v := range [numMetrics]float64{l.ValLoss, l.ValAccuracy} {
			m.val[k] = append(m.val[k], Point{x, v})
		}
	}
}

// Epochs returns the number of epochs recorded.
func (m *Metrics) Epochs() int { return len(m.epoch[lossMetric]) }

// Charts returns the loss chart (loss, val_loss) and the accuracy chart
// (accuracy, val_accuracy), each with the smoothed per-batch curve and the
// per-epoch points, decimated to at most maxPoints points per series
// (0: all). The charts share no memory with m.
func (m *Metrics) Charts(maxPoints int) (loss, acc Chart) {
	return m.chart("Loss", lossMetric, maxPoints), m.chart("Accuracy", accMetric, maxPoints)
}

func (m *Metrics) chart(title string, k, maxPoints int) Chart {
	c := Chart{Title: title, XLabel: "epoch"}
	name := metricNames[k]
	if pts := m.batch[k]; len(pts) > 0 {
		c.Series = append(c.Series, Series{Name: name + " (batch)", Points: Decimate(pts, maxPoints), Color: 0})
	}
	if pts := m.epoch[k]; len(pts) > 0 {
		c.Series = append(c.Series, Series{Name: name, Points: Decimate(pts, maxPoints), Markers: true, Color: 0})
	}
	if pts := m.val[k]; len(pts) > 0 {
		c.Series = append(c.Series, Series{Name: "val_" + name, Points: Decimate(pts, maxPoints), Markers: true, Color: 1})
	}
	return c
}

// HistoryCharts returns the loss and accuracy charts of a stored training
// history (a loaded model's): its per-epoch points, without per-batch
// curves. Metrics other than loss and accuracy are left out.
func HistoryCharts(h *nn.History) (loss, acc Chart) {
	m := NewMetrics(1)
	if h != nil {
		l, a := h.Values("loss"), h.Values("accuracy")
		vl, va := h.Values("val_loss"), h.Values("val_accuracy")
		for i, e := range h.Epoch {
			log := nn.EpochLog{Epoch: e}
			if i < len(l) {
				log.Loss = l[i]
			}
			if i < len(a) {
				log.Accuracy = a[i]
			}
			if i < len(vl) && i < len(va) {
				log.Validated, log.ValLoss, log.ValAccuracy = true, vl[i], va[i]
			}
			m.AddEpoch(log)
		}
	}
	return m.Charts(MaxPlotPoints)
}
