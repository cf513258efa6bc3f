package nn

import (
	"math/rand"
	"testing"
)

// TestPredictReplansOnGapFusion: turning gapFusion off between two
// Predicts drops the plan whose convolution computes its pool
// (usePredictBuffers compares the plan's gapOn), so the second pass
// leaves the pool to its own step.
func TestPredictReplansOnGapFusion(t *testing.T) {
	g := poolGraph(t)
	g.SetEngine(Engine{Workers: 2})
	x := NewTensor(append([]int{1}, g.InputShape()...)...)
	fillUniform(x.Data, 1, rand.New(rand.NewSource(9)))
	gapSteps := func() int {
		k := 0
		for _, s := range g.lean.cat {
			if s != nil && s.gap != nil {
				k++
			}
		}
		return k
	}
	g.Predict(x)
	if gapSteps() == 0 {
		t.Fatal("gapFusion on: no convolution computes its pool")
	}
	defer func() { gapFusion = true }()
	gapFusion = false
	g.Predict(x)
	if k := gapSteps(); k != 0 {
		t.Errorf("gapFusion off: %d convolutions still compute their pool (the plan was kept)", k)
	}
}
