package session

import (
	"math"
	"testing"

	"github.com/convscope/convscope/nn"
)

// The per-batch curve is TensorBoard's debiased EMA with weight 0.8:
// v ← 0.8·v + 0.2·x, shown as v / (1 − 0.8ⁿ). For losses 1, 2, 4 that is
// 1, (0.16 + 0.4) / 0.36 = 1.5556, (0.448 + 0.8) / 0.488 = 2.5574 —
// worked by hand, not with the code under test.
func TestBatchCurveIsDebiasedEMA(t *testing.T) {
	m := NewMetrics(4)
	for s, loss := range []float64{1, 2, 4} {
		m.AddBatch(nn.BatchLog{Epoch: 0, Step: s, Loss: loss, Accuracy: 0.5})
	}
	loss, acc := m.Charts(0)
	want := []Point{{0.25, 1}, {0.5, 1.0 * 0.56 / 0.36}, {0.75, 1.248 / 0.488}}
	got := loss.Series[0].Points
	if len(got) != len(want) {
		t.Fatalf("%d batch points, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].X != want[i].X || math.Abs(got[i].Y-want[i].Y) > 1e-9 {
			t.Errorf("batch point %d = %v, want %v", i, got[i], want[i])
		}
	}
	// A constant accuracy stays that constant (the debiasing at work).
	if p := acc.Series[0].Points[0]; math.Abs(p.Y-0.5) > 1e-12 {
		t.Errorf("first accuracy point %v, want 0.5", p)
	}
}

// A stored history (a model file's) may hold any subset of the metrics: a
// regression model has no accuracy, a file may carry a validation loss
// without a validation accuracy. Each chart shows what is there, with the
// stored values, and nothing panics; validation points need both values.
// (A missing metric still draws as zeros: the charts have fixed series.)
func TestHistoryChartsWithMissingMetrics(t *testing.T) {
	cases := []struct {
		name    string
		metrics []string
		vals    [2][]float64 // per epoch, in metrics order
		loss    []float64    // want: the loss series
		acc     []float64    // want: the accuracy series
		val     bool         // want: a val_loss series
	}{
		{"loss only", []string{"loss"}, [2][]float64{{0.9}, {0.8}}, []float64{0.9, 0.8}, []float64{0, 0}, false},
		{"accuracy only", []string{"accuracy"}, [2][]float64{{0.4}, {0.6}}, []float64{0, 0}, []float64{0.4, 0.6}, false},
		{"no val_accuracy", []string{"loss", "val_loss"}, [2][]float64{{0.9, 1.1}, {0.8, 1.0}}, []float64{0.9, 0.8}, []float64{0, 0}, false},
		{"no val_loss", []string{"loss", "accuracy", "val_accuracy"}, [2][]float64{{0.9, 0.4, 0.3}, {0.8, 0.6, 0.5}}, []float64{0.9, 0.8}, []float64{0.4, 0.6}, false},
		{"all four", []string{"val_loss", "loss", "val_accuracy", "accuracy"}, [2][]float64{{1.1, 0.9, 0.3, 0.4}, {1.0, 0.8, 0.5, 0.6}}, []float64{0.9, 0.8}, []float64{0.4, 0.6}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := &nn.History{}
			for e, v := range c.vals {
				h.Append(e, c.metrics, v)
			}
			loss, acc := HistoryCharts(h)
			for _, ch := range []struct {
				c    Chart
				want []float64
			}{{loss, c.loss}, {acc, c.acc}} {
				if len(ch.c.Series) == 0 || len(ch.c.Series[0].Points) != len(ch.want) {
					t.Fatalf("%s chart %+v", ch.c.Title, ch.c)
				}
				for i, want := range ch.want {
					if p := ch.c.Series[0].Points[i]; p != (Point{float64(i + 1), want}) {
						t.Errorf("%s point %d = %v, want (%d, %v)", ch.c.Title, i, p, i+1, want)
					}
				}
			}
			if hasVal := len(loss.Series) == 2 && loss.Series[1].Name == "val_loss"; hasVal != c.val {
				t.Errorf("val_loss shown %v, want %v: %+v", hasVal, c.val, loss.Series)
			}
			if c.val && loss.Series[1].Points[1] != (Point{2, 1.0}) {
				t.Errorf("val_loss after epoch 2: %v, want (2, 1)", loss.Series[1].Points[1])
			}
		})
	}
}
