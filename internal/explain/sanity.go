package explain

import (
	"context"
	"math"
	"sort"
)

// SanityStep is one map of the sanity check.
type SanityStep struct {
	// Randomized is the last layer whose weights were redrawn ("" for the
	// trained model); every layer above it is random too.
	Randomized string
	Result     *Result
	Heat       *Heat
	// Spearman is the rank correlation of this display map with the
	// trained model's (1 for the first step). A map that still correlates
	// strongly after the top layers are random does not explain the model.
	Spearman float64
}

// SanityCheck is the model-parameter randomisation test of Adebayo et al.
// 2018 ("Sanity checks for saliency maps", section 3, cascading
// randomisation): the weights of the layers with weights are redrawn one
// layer at a time from the top (output) layer down, and after each the same
// method explains the same input and class. Step 0 is the trained model.
// The model's weights are put back before SanityCheck returns. Each step's Spearman rank correlation with step 0
// (the paper's similarity metric, on the display maps) says how much the
// map still looks the same. Layer k is redrawn with seed + k. The class is
// fixed to the trained model's (o.Class, or its prediction).
func SanityCheck(ctx context.Context, m Randomizable, x []float32, o Options, seed int64) ([]SanityStep, error) {
	c := m
	defer m.SaveWeights()()
	e := New(c)
	r, err := e.Explain(ctx, x, o)
	if err != nil {
		return nil, err
	}
	o.Class = r.Class
	steps := []SanityStep{{Result: r, Heat: r.Heat(), Spearman: 1}}
	ref := steps[0].Heat.Values
	nodes := c.Nodes()
	for k := len(nodes) - 1; k >= 0; k-- {
		if !nodes[k].HasParams {
			continue
		}
		if err := ctx.Err(); err != nil {
			return steps, err
		}
		if err := c.Randomize(nodes[k].Name, seed+int64(k)); err != nil {
			return steps, err
		}
		r, err := e.Explain(ctx, x, o)
		if err != nil {
			return steps, err
		}
		h := r.Heat()
		steps = append(steps, SanityStep{Randomized: nodes[k].Name, Result: r, Heat: h, Spearman: Spearman(ref, h.Values)})
	}
	return steps, nil
}

// Spearman returns the Spearman rank correlation of a and b (Pearson
// correlation of their ranks, ties sharing their mean rank); 0 when either
// is constant.
func Spearman(a, b []float32) float64 {
	ra, rb := ranks(a), ranks(b)
	n := float64(len(a))
	var ma, mb float64
	for i := range ra {
		ma += ra[i]
		mb += rb[i]
	}
	ma, mb = ma/n, mb/n
	var sab, saa, sbb float64
	for i := range ra {
		da, db := ra[i]-ma, rb[i]-mb
		sab += da * db
		saa += da * da
		sbb += db * db
	}
	if saa == 0 || sbb == 0 {
		return 0
	}
	return sab / math.Sqrt(saa*sbb)
}

func ranks(v []float32) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return v[idx[i]] < v[idx[j]] })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		mean := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = mean
		}
		i = j + 1
	}
	return r
}
