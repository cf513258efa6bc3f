package atlas

import (
	"math/rand"
	"os"
	"testing"

	"github.com/convscope/convscope/nn"
)

// How far the per-cell bound is from the truth (CONVSCOPE_ATLAS_CELL=1;
// docs/atlas.md): for a few listed channels, the largest pre-activation
// one cell reaches in a search — 256 restarts of 400 signed-gradient
// steps on the cell's receptive field alone (a network built for an
// r×r input, whose one output cell is any cell of the full map) — beside
// the Bounder's interval of that cell (for conv2d_2, GroupCellBound's:
// certified for provenConv2, else 50 steps in groups of 3), both as
// ratios to the channel's baseline; the search must stay below the bound. A search is not a proof: the largest value found is a lower
// bound of the per-cell maximum, the Bounder's an upper bound.
func TestCellMaxima(t *testing.T) {
	if os.Getenv("CONVSCOPE_ATLAS_CELL") == "" {
		t.Skip("CONVSCOPE_ATLAS_CELL=1: per-cell maxima against the bound")
	}
	m, bd := defaultBounder(t)
	base := baselineImages(t, m)
	acts := map[string][][]float64{}
	proven := provenConv2Bounds(t, bd)
	for _, c := range []struct {
		layer string
		ch    int
		r     int
	}{{"conv2d_2", 3, 8}, {"conv2d_2", 4, 8}, {"conv2d_2", 25, 8}, {"conv2d_2", 43, 8}, {"conv2d_3", 23, 18}, {"conv2d_3", 110, 18}} {
		a := m.Net.Arch()
		a.InputShape = []int{c.r, c.r, 3}
		small, err := a.Build()
		if err != nil {
			a.Layers = a.Layers[:map[string]int{"conv2d_2": 3, "conv2d_3": 5}[c.layer]]
			small, err = a.Build()
			if err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range small.Weights() {
			for _, q := range m.Net.Weights() {
				if q.Name == p.Name {
					copy(p.Value, q.Value)
				}
			}
		}
		small.WeightsChanged()
		pre, _, err := Prefix(small, c.layer)
		if err != nil {
			t.Fatal(err)
		}
		n := 256
		x := nn.NewTensor(n, c.r, c.r, 3)
		rng := rand.New(rand.NewSource(1))
		for i := range x.Data {
			x.Data[i] = rng.Float32()
		}
		best := -1e9
		for step := range 400 {
			z := pre.Forward(x, false)
			oc := z.Shape[3]
			dy := nn.NewTensor(z.Shape...)
			for s := range n {
				q := s*oc + c.ch
				best = max(best, float64(z.Data[q]))
				dy.Data[q] = 1
			}
			pre.BackwardWith(nn.BackwardOptions{InputGrad: true, SkipWeights: true}, dy)
			g := pre.Grad(nn.GraphInput)
			lr := float32(0.1)
			if step > 200 {
				lr = 0.02
			}
			for i, v := range g.Data {
				sg := float32(0)
				if v > 0 {
					sg = 1
				} else if v < 0 {
					sg = -1
				}
				x.Data[i] = min(max(x.Data[i]+lr*sg, 0), 1)
			}
		}
		j, _ := bd.index(c.layer)
		if acts[c.layer] == nil {
			acts[c.layer] = meanActs(t, m.Net, j, base)
		}
		var avg float64
		for _, a := range acts[c.layer] {
			avg += a[c.ch]
		}
		avg /= float64(len(base))
		bound := bd.zu[j][c.ch]
		if c.layer == "conv2d_2" { // GroupCellBound: certified, or a few steps of it
			if b, ok := proven[c.ch]; ok {
				bound = b
			} else if b, _, err := bd.GroupCellBound(c.ch, 50, 3); err == nil {
				bound = b
			}
		}
		if best > bound*(1+1e-5) {
			t.Errorf("%s/%d: a cell reaches %.4g, above the bound %.4g", c.layer, c.ch, best, bound)
		}
		t.Logf("%s/%d: best cell found %.3f (%.2f× the baseline %.3g), bound %.3f (%.2f×; interval %.2f×)", c.layer, c.ch, best, best/avg, avg, bound, bound/avg, bd.zu[j][c.ch]/avg)
	}
}
