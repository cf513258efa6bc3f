package nn

import (
	"fmt"
	"slices"
	"testing"
)

// leanGraph is a graph of bare nodes for planPredict and execSteps: node i
// has an output of sizes[i] values and reads the nodes ins[i] (-1 is the
// graph's input); outs are the graph's outputs.
func leanGraph(sizes []int, ins [][]int, outs ...int) *Graph {
	g := &Graph{inNode: &node{name: GraphInput}}
	for i, s := range sizes {
		n := &node{name: fmt.Sprint("n", i), out: &Tensor{Shape: []int{s}, Data: make([]float32, s)}}
		for _, j := range ins[i] {
			if j < 0 {
				n.in = append(n.in, g.inNode)
			} else {
				n.in = append(n.in, g.order[j])
			}
		}
		g.order = append(g.order, n)
	}
	for _, o := range outs {
		g.order[o].isOutput = true
	}
	return g
}

// TestPlanPredictBestFit pins the size of Predict's buffers on small
// chains where the choice of buffer matters: a node takes the smallest
// free buffer large enough for it (whichever comes first in the free
// list), else grows the largest free one, else a new one. In each case
// n0 and n1 are freed together after n2, so n3 chooses between their two
// buffers, and n4 (when present) needs the other.
func TestPlanPredictBestFit(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sizes  []int
		want   int   // p.floats
		shared []int // for each node, the node whose buffer it takes (itself: a new one)
	}{
		// n3 (32) takes n1's 32, leaving n0's 64 for n4: 64 + 32 + 16.
		{"smaller fit second", []int{64, 32, 16, 32, 64}, 112, []int{0, 1, 2, 1, 0}},
		// n3 (32) keeps n0's exact 32 over n1's 64.
		{"exact fit first", []int{32, 64, 16, 32, 64}, 112, []int{0, 1, 2, 0, 1}},
		// Nothing fits n3 (64): the largest free buffer (n1's 32) grows.
		{"grow the largest second", []int{16, 32, 16, 64}, 96, []int{0, 1, 2, 1}},
		{"grow the largest first", []int{32, 16, 16, 64}, 96, []int{0, 1, 2, 0}},
		// Rounded to 16 values: n3's 20 (→ 32) fits n1's 17 (→ 32).
		{"cache lines", []int{64, 17, 16, 20, 64}, 112, []int{0, 1, 2, 1, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ins := [][]int{{-1}, {-1}, {0, 1}, {2}, {3}}[:len(tc.sizes)]
			g := leanGraph(tc.sizes, ins, len(tc.sizes)-1)
			p := g.planPredict()
			g.lean = p
			if p.floats != tc.want {
				t.Errorf("buffers of %d values, expected %d", p.floats, tc.want)
			}
			for i, j := range tc.shared {
				if &p.lean[i].Data[0] != &p.lean[j].Data[0] {
					t.Errorf("n%d does not take n%d's buffer", i, j)
				}
			}
			checkLeanPlan(t, g)
		})
	}
}

// TestExecSteps pins the step at which each node's output is written:
// its own position, its convolution's for a fused pooling or activation
// node, the residual Add's for the convolution and activation computed
// with it — with each fusion on and off.
func TestExecSteps(t *testing.T) {
	defer func(a, r bool) { actFusion, resFusion = a, r }(actFusion, resFusion)
	sizes := []int{16, 16, 16, 16, 16, 16, 16, 16, 16, 16}
	ins := [][]int{{-1}, {0}, {1}, {2}, {3}, {4}, {5}, {6, 1}, {7}, {8}}
	for _, tc := range []struct {
		act, res bool
		want     []int
	}{
		{true, true, []int{0, 1, 2, 2, 4, 4, 7, 7, 7, 9}},
		{false, true, []int{0, 1, 2, 2, 4, 5, 7, 7, 7, 9}},
		{true, false, []int{0, 1, 2, 2, 4, 4, 6, 7, 8, 9}},
		{false, false, []int{0, 1, 2, 2, 4, 5, 6, 7, 8, 9}},
	} {
		actFusion, resFusion = tc.act, tc.res
		g := leanGraph(sizes, ins, 9)
		o := g.order
		o[3].fusedInto = o[2]                  // pool fused with conv n2
		o[5].actFrom = o[4]                    // activation computed with conv n4
		o[7].resConv, o[7].resAct = o[6], o[8] // Add n7 with conv n6 and activation n8
		at := map[*node]int{}
		for i, n := range o {
			at[n] = i
		}
		got := make([]int, len(o))
		g.execSteps(got, at)
		if !slices.Equal(got, tc.want) {
			t.Errorf("actFusion %v, resFusion %v: steps %v, expected %v", tc.act, tc.res, got, tc.want)
		}
	}
}
