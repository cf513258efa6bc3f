package receptive

// Linked returns the cells of layer other that correspond to cell (y, x)
// of layer, for highlighting them together:
//   - other upstream of layer: the cells the cell depends on (Region);
//   - other downstream of layer: the cells that depend on the cell (every
//     cell whose region at layer contains (y, x));
//   - neither (parallel branches of a graph): the cells whose input field's
//     centre lies inside the cell's input field.
//
// ok is false when other is not a map or no cell corresponds.
func (n *Net) Linked(layer string, y, x int, other string) (b Box, ok bool, err error) {
	if _, err := n.lookup(layer); err != nil {
		return Box{}, false, err
	}
	oi, err := n.lookup(other)
	if err != nil {
		return Box{}, false, err
	}
	oh, ow := n.inH, n.inW
	if oi >= 0 {
		oh, ow = n.nodes[oi].h, n.nodes[oi].w
		if oh == 0 {
			return Box{}, false, nil
		}
	}
	if other == layer {
		return Box{y, x, y + 1, x + 1}, true, nil
	}
	if r, _ := n.Region(layer, Box{y, x, y + 1, x + 1}, other); !r.Empty() {
		return r, true, nil
	}
	// Downstream: rows and columns separately (regions are boxes whose rows
	// depend only on the cell's row and columns only on its column).
	if n.upstream(layer, other) {
		rows := scan(oh, func(i int) bool {
			r, _ := n.Region(other, Box{i, 0, i + 1, 1}, layer)
			return r.Y0 <= y && y < r.Y1
		})
		cols := scan(ow, func(j int) bool {
			r, _ := n.Region(other, Box{0, j, 1, j + 1}, layer)
			return r.X0 <= x && x < r.X1
		})
		b = Box{rows[0], cols[0], rows[1], cols[1]}
		return b, !b.Empty(), nil
	}
	// Parallel: centres of the other layer's fields inside this cell's field.
	f, _ := n.Field(layer, y, x)
	rows := scan(oh, func(i int) bool {
		r, _ := n.Field(other, i, 0)
		c := (r.Y0 + r.Y1 - 1) / 2
		return f.Y0 <= c && c < f.Y1
	})
	cols := scan(ow, func(j int) bool {
		r, _ := n.Field(other, 0, j)
		c := (r.X0 + r.X1 - 1) / 2
		return f.X0 <= c && c < f.X1
	})
	b = Box{rows[0], cols[0], rows[1], cols[1]}
	return b, !b.Empty(), nil
}

// upstream reports whether layer a is an ancestor of layer b.
func (n *Net) upstream(a, b string) bool {
	ai, err := n.lookup(a)
	if err != nil {
		return false
	}
	bi, err := n.lookup(b)
	if err != nil || bi < 0 {
		return false
	}
	if ai < 0 {
		return true
	}
	reach := make([]bool, len(n.nodes))
	reach[bi] = true
	for i := bi; i > ai; i-- {
		if !reach[i] {
			continue
		}
		for _, j := range n.nodes[i].inputs {
			if j >= 0 {
				reach[j] = true
			}
		}
	}
	return reach[ai]
}

// scan returns the smallest range [lo, hi) of 0..n-1 holding every i with
// in(i) (empty when none).
func scan(n int, in func(int) bool) [2]int {
	lo, hi := -1, -1
	for i := range n {
		if in(i) {
			if lo < 0 {
				lo = i
			}
			hi = i + 1
		}
	}
	if lo < 0 {
		return [2]int{0, 0}
	}
	return [2]int{lo, hi}
}
