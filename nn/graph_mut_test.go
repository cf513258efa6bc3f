package nn

import "testing"

// TestGraphInitSeedsLikeSequential checks Graph.Init's seeding: node i
// (topological order) gets seed+i+1, as Sequential.Init documents for its
// layer i, so a Sequential model and its ToGraph copy, initialised with
// the same seed, draw the same weights and the same Dropout masks in a
// training pass; another seed draws other masks.
func TestGraphInitSeedsLikeSequential(t *testing.T) {
	m, err := NewSequential([]int{6}, NewDense(16), NewDropout(0.5), NewDense(16), NewDropout(0.5), NewDense(3))
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.ToGraph()
	if err != nil {
		t.Fatal(err)
	}
	x := NewTensor(4, 6)
	for i := range x.Data {
		x.Data[i] = float32(i%7) - 2.5
	}
	for _, tt := range []struct {
		seq, graph int64
		same       bool
	}{{7, 7, true}, {123, 123, true}, {7, 8, false}} {
		m.Init(tt.seq)
		g.Init(tt.graph)
		if got := bitEqual(weightsOf(g.Weights()), weightsOf(m.Weights())); got != (tt.seq == tt.graph) {
			t.Errorf("seeds %d, %d: same weights %v", tt.seq, tt.graph, got)
		}
		g.Init(tt.seq) // same weights; the seeds below differ in the masks only
		g.init(tt.graph, false)
		a := m.Forward(x, true).Data
		b := g.Forward(x, true).Data
		if got := bitEqual(a, b); got != tt.same {
			t.Errorf("seeds %d, %d: same training output %v, expected %v", tt.seq, tt.graph, got, tt.same)
		}
	}
}

func weightsOf(ps []*Param) []float32 {
	var w []float32
	for _, p := range ps {
		w = append(w, p.Value...)
	}
	return w
}
