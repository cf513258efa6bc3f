package nn

import "slices"

// Graph.Predict's buffers. Forward keeps every node's output for the grid
// (MobileNetV2: ≈ 30 MB per image), so each node writes memory the caches
// lost long ago, and the weights of the next layers are evicted by the
// outputs of the last ones. Predict only needs the graph's outputs: it runs
// the same nodes with the same kernels into a few buffers reused as soon
// as their readers have run, as ONNX Runtime's allocation planner does,
// and the working set stays in the caches (BENCHMARKS.md, branch
// perfmob2).
//
// The plan is interval colouring. A node's output is written at the step
// of the node that computes it (its own, or its convolution's or residual
// Add's when fused: execSteps) and read at the steps of its readers; it
// holds a buffer from the first through the last of these (a graph output:
// to the end), both inclusive, so no kernel reads and writes the same
// buffer in one step. Buffers are handed out in step order, best fit
// first, and grown when no free one is large enough.

// leanPlan is Predict's buffer assignment for one batch size and one
// fusion plan.
type leanPlan struct {
	exec   []int     // per order position: the step that writes the output
	first  []int     // per order position: the step its buffer is taken (exec, or earlier: graph_lean_cat.go)
	kept   []*Tensor // per order position: Forward's tensor (ensureBatch's)
	lean   []*Tensor // per order position: Predict's tensor
	floats int       // Predict's buffers, in float32 values
	active bool      // the nodes' out fields hold lean

	pos     map[*node]int // order position of each node
	check   []int         // execSteps' result on the next Predict, compared with exec
	cat     []*catStep    // per order position: in-place Concatenate inputs, pools and residual Adds (graph_lean_cat.go), or nil
	catOn   bool          // catFusion when planned
	gapOn   bool          // gapFusion when planned
	resPWOn bool          // resPWFusion when planned
}

// execSteps fills dst (len(g.order)) with the step (order position) at
// which an inference pass of Forward writes each node's output.
func (g *Graph) execSteps(dst []int, at map[*node]int) {
	pos := func(n *node) int { return at[n] }
	for i, n := range g.order {
		dst[i] = i
		switch {
		case n.fusedInto != nil:
			dst[i] = -1 // below: its convolution's step
		case n.actFrom != nil && actFusion:
			dst[i] = -2
		case n.leanFrom != nil: // graph_lean_stem.go
			dst[i] = -3
		}
	}
	for i, n := range g.order {
		switch dst[i] {
		case -1:
			dst[i] = pos(n.fusedInto)
		case -2:
			dst[i] = pos(n.actFrom)
		case -3:
			dst[i] = pos(n.leanFrom)
		}
		if n.resConv != nil && resFusion {
			dst[pos(n.resConv)] = i
			if n.resAct != nil {
				dst[pos(n.resAct)] = i
			}
		}
	}
}

// usePredictBuffers points every node's out at Predict's buffers, planning
// them first when the batch size or the fusion plan changed.
func (g *Graph) usePredictBuffers() {
	p := g.lean
	if p != nil && (p.catOn != catFusion || p.gapOn != gapFusion || p.resPWOn != resPWFusion) {
		p = nil
	}
	if p != nil && !p.active {
		// Cheap check that fusion has not changed since the plan.
		if g.execSteps(p.check, p.pos); !slices.Equal(p.check, p.exec) {
			p = nil
		}
	}
	if p == nil {
		g.useForwardBuffers()
		p = g.planPredict()
		g.lean = p
	}
	if !p.active {
		for i, n := range g.order {
			n.out = p.lean[i]
		}
		p.active = true
	}
}

// useForwardBuffers points every node's out back at Forward's tensors.
func (g *Graph) useForwardBuffers() {
	if p := g.lean; p != nil && p.active {
		for i, n := range g.order {
			n.out = p.kept[i]
		}
		p.active = false
	}
}

// predictBuffersActive reports whether the last pass was Predict's: only
// the graph's outputs are valid.
func (g *Graph) predictBuffersActive() bool { return g.lean != nil && g.lean.active }

// planPredict assigns Predict's buffers for the current batch size, with
// the nodes' out fields holding Forward's tensors.
func (g *Graph) planPredict() *leanPlan {
	k := len(g.order)
	p := &leanPlan{exec: make([]int, k), kept: make([]*Tensor, k), lean: make([]*Tensor, k), check: make([]int, k), pos: make(map[*node]int, k)}
	for i, n := range g.order {
		p.pos[n] = i
	}
	g.planStemPools() // graph_lean_stem.go
	g.execSteps(p.exec, p.pos)
	p.first = slices.Clone(p.exec)
	g.planCat(p, p.first) // graph_lean_cat.go
	last := slices.Clone(p.exec)
	for i, n := range g.order {
		p.kept[i] = n.out
		if n.isOutput {
			last[i] = k
		}
		for _, src := range n.in {
			if src != g.inNode {
				j := p.pos[src]
				last[j] = max(last[j], p.exec[i])
			}
		}
	}
	// starts[s], ends[s]: the nodes whose buffers are taken at step s, and
	// given back after it.
	starts, ends := make([][]int, k+1), make([][]int, k+1)
	for i := range g.order {
		starts[p.first[i]] = append(starts[p.first[i]], i)
		ends[last[i]] = append(ends[last[i]], i)
	}
	var size []int // per buffer, in values
	var free []int // buffers not in use
	buf := make([]int, k)
	for s := 0; s <= k; s++ {
		for _, i := range starts[s] {
			need := arenaStep(len(p.kept[i].Data))
			best := -1 // the smallest free buffer that is large enough, else the largest
			for f, b := range free {
				switch {
				case best < 0:
					best = f
				case size[b] >= need && (size[free[best]] < need || size[b] < size[free[best]]):
					best = f
				case size[free[best]] < need && size[b] > size[free[best]]:
					best = f
				}
			}
			if best < 0 {
				buf[i] = len(size)
				size = append(size, need)
				continue
			}
			buf[i] = free[best]
			size[buf[i]] = max(size[buf[i]], need)
			free = slices.Delete(free, best, best+1)
		}
		for _, i := range ends[s] {
			free = append(free, buf[i])
		}
	}
	off := make([]int, len(size))
	for b, n := range size {
		off[b] = p.floats
		p.floats += n
	}
	arena := outputArena(p.floats) // graph_arena.go: huge pages where large
	for i, t := range p.kept {
		o := off[buf[i]]
		p.lean[i] = &Tensor{Shape: t.Shape, Data: arena[o : o+len(t.Data) : o+len(t.Data)]}
	}
	return p
}
