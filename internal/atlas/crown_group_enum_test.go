package atlas

import (
	"math"
	"math/rand"
	"testing"
)

// naiveGroupMax is the plain enumeration of every branch choice of group
// t's positive units: the definition groupMax's search must agree with.
func naiveGroupMax(g *groupBound, t int, base []float64, cst float64) float64 {
	gr := &g.groups[t]
	n := len(gr.pos)
	ch := make([]int, n)
	coef := make([]float64, len(base))
	best := math.Inf(-1)
	for {
		copy(coef, base)
		val := cst
		for i, m := range gr.pos {
			if q := ch[i]; q > 0 {
				val += m.w * m.b1
				for j, o := range m.win[q-1] {
					coef[o] += m.w * m.kern[j]
				}
			}
		}
		best = max(best, val+g.vertSum(coef))
		i := 0
		for ; i < n; i++ {
			if ch[i]++; ch[i] <= g.npos {
				break
			}
			ch[i] = 0
		}
		if i == n {
			return best
		}
	}
}

// The branch-and-bound search of a group's term (groupMax) returns the
// plain enumeration's maximum, to rounding, for random coefficients of
// every scale (zero prices, prices like the optimiser's, large ones that
// dominate the units), on the default model's conv2d_2 groups of 1–8
// units (a few of the larger groups), twice in a row.
func TestGroupMaxSearch(t *testing.T) {
	_, bd := defaultBounder(t)
	rng := rand.New(rand.NewSource(3))
	for _, size := range []int{1, 2, 3, 5, 8} {
		for _, k := range []int{54, 7} {
			g, err := bd.newGroupBound(k, size, 0)
			if err != nil {
				t.Fatal(err)
			}
			base := make([]float64, g.nloc)
			for trial, scale := range []float64{0, 0.003, 0.03, 0.3} {
				for ti := range g.groups {
					if size >= 5 && ti%(2*size) != trial || size == 8 && (k != 54 || trial%2 == 0) {
						continue
					}
					for i := range base {
						base[i] = rng.NormFloat64() * scale
					}
					cst := rng.NormFloat64()
					want := naiveGroupMax(g, ti, base, cst)
					for rep := range 2 {
						if got := g.groupMax(ti, base, cst); math.Abs(got-want) > 1e-12*(1+math.Abs(want)) {
							t.Fatalf("conv2d_2/%d, size %d, group %d, scale %g, search %d: %.15g, enumeration %.15g", k, size, ti, scale, rep, got, want)
						}
					}
				}
			}
		}
	}
}
