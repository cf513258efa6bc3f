package session

import (
	"math"
	"testing"

	"github.com/convscope/convscope/nn"
)

func TestNiceTicks(t *testing.T) {
	cases := []struct {
		lo, hi float64
		n      int
		want   []float64
	}{
		{0, 1, 5, []float64{0, 0.25, 0.5, 0.75, 1}[:0]}, // checked by properties below
		{0, 30, 7, []float64{0, 5, 10, 15, 20, 25, 30}},
		{0.43, 0.71, 4, []float64{0.4, 0.5, 0.6, 0.7, 0.8}},
		{-1, 1, 3, []float64{-1, 0, 1}},
	}
	for _, c := range cases {
		ticks, step := NiceTicks(c.lo, c.hi, c.n)
		if ticks[0] > c.lo || ticks[len(ticks)-1] < c.hi {
			t.Errorf("%v..%v: ticks %v do not cover the range", c.lo, c.hi, ticks)
		}
		for i := 1; i < len(ticks); i++ {
			if d := ticks[i] - ticks[i-1]; math.Abs(d-step) > 1e-9 {
				t.Errorf("%v..%v: uneven ticks %v", c.lo, c.hi, ticks)
			}
		}
		if len(c.want) > 0 {
			if len(ticks) != len(c.want) {
				t.Errorf("%v..%v: ticks %v, want %v", c.lo, c.hi, ticks, c.want)
				continue
			}
			for i := range ticks {
				if math.Abs(ticks[i]-c.want[i]) > 1e-9 {
					t.Errorf("%v..%v: ticks %v, want %v", c.lo, c.hi, ticks, c.want)
					break
				}
			}
		}
	}
	if ticks, _ := NiceTicks(math.NaN(), 1, 5); len(ticks) != 1 {
		t.Errorf("NaN range gave %v", ticks)
	}
}

func TestChartBoundsAndNearest(t *testing.T) {
	c := Chart{Series: []Series{
		{Points: []Point{{0, 1}, {1, 2}, {2, math.NaN()}, {3, 0.5}}},
		{Points: nil},
	}}
	x0, x1, y0, y1, ok := c.Bounds()
	if !ok || x0 != 0 || x1 != 3 || y0 != 0.5 || y1 != 2 {
		t.Errorf("bounds %v %v %v %v %v", x0, x1, y0, y1, ok)
	}
	if got := c.Nearest(1.4); got[0] != 1 || got[1] != -1 {
		t.Errorf("nearest(1.4) = %v", got)
	}
	if got := c.Nearest(99); got[0] != 3 {
		t.Errorf("nearest(99) = %v", got)
	}
	var empty Chart
	if _, _, _, _, ok := empty.Bounds(); ok {
		t.Error("empty chart has bounds")
	}
}

func TestMetricsAndDecimate(t *testing.T) {
	h := NewMetrics(10)
	for s := range 10 {
		h.AddBatch(nn.BatchLog{Epoch: 0, Step: s, Loss: 1, Accuracy: 0.5})
	}
	h.AddEpoch(nn.EpochLog{Epoch: 0, Loss: 1, Accuracy: 0.5, Validated: true, ValLoss: 2, ValAccuracy: 0.25})
	loss, acc := h.Charts(0)
	if len(loss.Series) != 3 || len(acc.Series) != 3 {
		t.Fatalf("loss series %d, acc series %d, want 3 and 3", len(loss.Series), len(acc.Series))
	}
	b := loss.Series[0]
	if b.Markers || b.Points[9].X != 1 || math.Abs(b.Points[9].Y-1) > 1e-9 {
		t.Errorf("batch series %+v", b)
	}
	if e := loss.Series[1]; !e.Markers || e.Points[0] != (Point{1, 1}) {
		t.Errorf("epoch series %+v", e)
	}
	if v := acc.Series[2]; v.Name != "val_accuracy" || v.Color != 1 || v.Points[0] != (Point{1, 0.25}) {
		t.Errorf("validation series %+v", v)
	}
	if h.Epochs() != 1 {
		t.Errorf("%d epochs", h.Epochs())
	}
	pts := make([]Point, 1000)
	for i := range pts {
		pts[i] = Point{float64(i), float64(i % 2)}
	}
	d := Decimate(pts, 100)
	if len(d) != 100 || math.Abs(d[0].Y-0.5) > 1e-9 || d[0].X != 4.5 {
		t.Errorf("decimated %d points, first %v", len(d), d[0])
	}
	if got := Decimate(pts[:5], 100); len(got) != 5 {
		t.Errorf("short series decimated to %d", len(got))
	}
}

func TestHistoryCharts(t *testing.T) {
	h := &nn.History{}
	h.Append(0, []string{"loss", "accuracy", "val_loss", "val_accuracy"}, []float64{0.7, 0.5, 0.68, 0.55})
	h.Append(1, []string{"loss", "accuracy", "val_loss", "val_accuracy"}, []float64{0.6, 0.7, 0.65, 0.6})
	loss, acc := HistoryCharts(h)
	if len(loss.Series) != 2 || loss.Series[0].Name != "loss" || loss.Series[1].Name != "val_loss" || len(loss.Series[0].Points) != 2 {
		t.Fatalf("loss chart %+v", loss)
	}
	if p := acc.Series[0].Points[1]; p.X != 2 || p.Y != 0.7 {
		t.Errorf("accuracy after epoch 2: %+v", p)
	}
	if l, _ := HistoryCharts(nil); len(l.Series) != 0 {
		t.Errorf("nil history: %+v", l)
	}
}
