package atlas

// The exact maximum of one group's term in GroupCellBound
// (crown_group.go): the largest, over every choice of branch of the
// group's positive units (5^n), of a linear function maximised over the
// box in closed form,
//
//	T = max_choice [cst + Σ_{i: qᵢ>0} wᵢ·b1ᵢ + Σ_p V(coef_p(choice))],
//	V(c) = c·Hi if c > 0, c·Lo otherwise,
//
// coef = base + Σ_{i: qᵢ>0} wᵢ·kernᵢ placed on the window of branch qᵢ.
// Found by depth-first search over the units (largest w·u first) with
// branch and bound: below a node whose first i units are fixed, every
// leaf is at most
//
//	cst_A + Σ_p V(coef_A,p) + M_i,   M_i = max_x Σ_{j≥i} wⱼ·pⱼ(x),
//
// because max_x [L(x) + R(x)] ≤ max_x L(x) + max_x R(x), with M_i the
// exact maximum of the free units alone (it does not depend on the
// prices: computed once per group, by enumeration). The search visits
// the previous evaluation's best choice first, so the bound starts near
// the answer and prunes most of the tree. The value returned is the
// chosen leaf's, recomputed from scratch in the order of the plain
// enumeration; saved coefficients are restored exactly (no drift).

// enumState is the per-group state of the search.
type enumState struct {
	suf  []float64 // M_i, i = 0..n
	prev []int     // the best choice of the previous evaluation
}

// vertSum returns Σ_p V(c_p).
func (g *groupBound) vertSum(c []float64) float64 {
	lo, hi := g.bd.Lo, g.bd.Hi
	s := 0.0
	for _, v := range c {
		if v > 0 {
			s += v * hi
		} else {
			s += v * lo
		}
	}
	return s
}

// initEnum computes every group's suffix maxima M_i (plain enumeration
// of the units i..n-1 from zero coefficients).
func (g *groupBound) initEnum() {
	g.enum = make([]enumState, len(g.groups))
	for t := range g.groups {
		gr := &g.groups[t]
		n := len(gr.pos)
		e := &g.enum[t]
		e.suf = make([]float64, n+1)
		e.prev = make([]int, n)
		coef := make([]float64, g.nloc)
		for i := n - 1; i >= 0; i-- {
			m := n - i
			ch := make([]int, m)
			best := 0.0
			for {
				clear(coef)
				val := 0.0
				for a, q := range ch {
					if q > 0 {
						u := gr.pos[i+a]
						val += u.w * u.b1
						for j, o := range g.win[q-1] {
							coef[o] += u.w * u.kern[j]
						}
					}
				}
				best = max(best, val+g.vertSum(coef))
				a := 0
				for ; a < m; a++ {
					if ch[a]++; ch[a] <= g.npos {
						break
					}
					ch[a] = 0
				}
				if a == m {
					break
				}
			}
			e.suf[i] = best
		}
	}
}

// groupMax returns group t's term for the coefficients base and constant
// cst, leaves the maximiser's coefficients in g.bestCoef and remembers
// its choice for the next evaluation.
func (g *groupBound) groupMax(t int, base []float64, cst float64) float64 {
	gr := &g.groups[t]
	e := &g.enum[t]
	n := len(gr.pos)
	copy(g.coef, base)
	// the previous best choice first: a good bound to prune with
	copy(g.choice[:n], e.prev)
	g.best = g.leafValue(gr, base, cst, g.choice[:n])
	copy(g.bestChoice[:n], g.choice[:n])
	if n > 0 {
		g.search(gr, e, 0, cst)
	}
	copy(e.prev, g.bestChoice[:n])
	return g.leafValue(gr, base, cst, g.bestChoice[:n]) // also sets bestCoef
}

// leafValue evaluates one choice from scratch (the plain enumeration's
// arithmetic) and leaves its coefficients in g.bestCoef.
func (g *groupBound) leafValue(gr *group, base []float64, cst float64, choice []int) float64 {
	c := g.bestCoef
	copy(c, base)
	val := cst
	for i, m := range gr.pos {
		if q := choice[i]; q > 0 {
			val += m.w * m.b1
			for j, o := range g.win[q-1] {
				c[o] += m.w * m.kern[j]
			}
		}
	}
	return val + g.vertSum(c)
}

// search visits the choices of units i.. below the current g.coef
// (units before i fixed, their constant in acc).
func (g *groupBound) search(gr *group, e *enumState, i int, acc float64) {
	n := len(gr.pos)
	s := g.vertSum(g.coef)
	if acc+s+e.suf[i] <= g.best {
		return
	}
	m := gr.pos[i]
	lo, hi := g.bd.Lo, g.bd.Hi
	if i == n-1 { // leaves: the change over the window only
		for q := range g.npos + 1 {
			v := acc + s
			if q > 0 {
				v += m.w * m.b1
				for j, o := range g.win[q-1] {
					c := g.coef[o]
					d := c + m.w*m.kern[j]
					if d > 0 {
						v += d * hi
					} else {
						v += d * lo
					}
					if c > 0 {
						v -= c * hi
					} else {
						v -= c * lo
					}
				}
			}
			if v > g.best {
				g.choice[i] = q
				g.best = v
				copy(g.bestChoice[:n], g.choice[:n])
			}
		}
		return
	}
	save := g.save[i]
	first := e.prev[i]
	for k := range g.npos + 1 {
		q := k
		if k == 0 {
			q = first
		} else if k <= first {
			q = k - 1
		}
		g.choice[i] = q
		if q == 0 {
			g.search(gr, e, i+1, acc)
			continue
		}
		w := g.win[q-1]
		for j, o := range w {
			save[j] = g.coef[o]
			g.coef[o] += m.w * m.kern[j]
		}
		g.search(gr, e, i+1, acc+m.w*m.b1)
		for j, o := range w {
			g.coef[o] = save[j]
		}
	}
}
