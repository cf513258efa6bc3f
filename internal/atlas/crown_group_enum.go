package atlas

import "math"

// The exact maximum of one group's term in GroupCellBound
// (crown_group.go): the largest, over every choice of branch of the
// group's n positive units (5^n), of a linear function maximised over
// the box in closed form,
//
//	T = cst + max_choice [Σ_{i: qᵢ>0} wᵢ·b1ᵢ + Σ_p V(base_p + D_p(choice))],
//	V(c) = max(c·Lo, c·Hi),
//
// D = Σ_{i: qᵢ>0} wᵢ·kernᵢ placed on the window of branch qᵢ, base the
// prices and the negative units' linear bounds. Found by a Russian doll
// search (Verfaillie, Lemaître & Schiex, AAAI 1996): for i = n−1 down to
// 0, H_i = the maximum over the units i..n−1 alone (the others off) by a
// depth-first search over their branches, where below a node whose units
// i..j−1 are fixed (coefficients c = base + D_A) every leaf is at most
//
//	b1_A + min(Σ_p V(c_p) + M_j, Σ_p V(D_A,p) + H_j),
//
// because V is sublinear (V(a + b) ≤ V(a) + V(b)): M_j is the units j..'s
// maximum from zero coefficients (independent of the prices: computed
// once per group, by the same search), H_j the one from base (already
// known: computed before H_i). H_0 is the answer. The value returned is
// the chosen leaf's, recomputed from scratch in the order of the plain
// enumeration (TestGroupMaxSearch compares with it); saved coefficients
// are restored exactly (no drift).

// enumState is the per-group state of the search.
type enumState struct {
	suf []float64 // M_i, i = 0..n
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

// initEnum computes every group's M_i.
func (g *groupBound) initEnum() {
	g.enum = make([]enumState, len(g.groups))
	for t := range g.groups {
		gr := &g.groups[t]
		e := &g.enum[t]
		e.suf = make([]float64, len(gr.pos)+1)
		g.setGroup(gr)
		clear(g.base[:len(gr.px)])
		g.doll(gr, e, g.base[:len(gr.px)], e.suf)
	}
}

// setGroup sizes the scratch coefficients to group gr's pixels.
func (g *groupBound) setGroup(gr *group) {
	n := len(gr.px)
	g.coef, g.dcoef, g.bestCoef = g.coefBuf[:n], g.dcoefBuf[:n], g.bestBuf[:n]
}

// doll fills h with H_i for base (h = e.suf: M itself) and leaves the
// maximiser's choice in g.bestChoice.
func (g *groupBound) doll(gr *group, e *enumState, base, h []float64) {
	n := len(gr.pos)
	g.hsuf = h
	h[n] = g.vertSum(base) // every unit off: the start of level n−1 (not 0: V can be negative)
	for i := n - 1; i >= 0; i-- {
		copy(g.coef, base)
		clear(g.dcoef)
		h[i] = math.Inf(1)
		g.best, g.bestChoice[i], g.lev = h[i+1], 0, i
		g.search(gr, e, i, 0)
		h[i] = g.best
	}
}

// groupMax returns group t's term for the coefficients base and constant
// cst and leaves the maximiser's coefficients in g.bestCoef.
func (g *groupBound) groupMax(t int, base []float64, cst float64) float64 {
	gr := &g.groups[t]
	g.setGroup(gr)
	g.doll(gr, &g.enum[t], base, g.hbuf[:len(gr.pos)+1])
	return g.leafValue(gr, base, cst, g.bestChoice[:len(gr.pos)])
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
			for j, o := range m.win[q-1] {
				c[o] += m.w * m.kern[j]
			}
		}
	}
	return val + g.vertSum(c)
}

// search visits the choices of units j.. below the current coefficients
// (g.coef = base + D_A, g.dcoef = D_A; units g.lev..j−1 fixed, their
// constant in acc).
func (g *groupBound) search(gr *group, e *enumState, j int, acc float64) {
	n := len(gr.pos)
	s := g.vertSum(g.coef)
	if acc+min(s+e.suf[j], g.vertSum(g.dcoef)+g.hsuf[j]) <= g.best {
		return
	}
	m := gr.pos[j]
	lo, hi := g.bd.Lo, g.bd.Hi
	if j == n-1 { // leaves: the change over the window only
		for q := 1; q <= g.npos; q++ {
			v := acc + s + m.w*m.b1
			for jj, o := range m.win[q-1] {
				c := g.coef[o]
				d := c + m.w*m.kern[jj]
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
			if v > g.best {
				g.choice[j] = q
				g.best = v
				copy(g.bestChoice[g.lev:n], g.choice[g.lev:n])
			}
		}
		if v := acc + s; v > g.best { // all off
			g.choice[j] = 0
			g.best = v
			copy(g.bestChoice[g.lev:n], g.choice[g.lev:n])
		}
		return
	}
	save, dsave := g.save[j], g.dsave[j]
	for q := g.npos; q >= 0; q-- {
		g.choice[j] = q
		if q == 0 {
			g.search(gr, e, j+1, acc)
			continue
		}
		w := m.win[q-1]
		for jj, o := range w {
			save[jj], dsave[jj] = g.coef[o], g.dcoef[o]
			g.coef[o] += m.w * m.kern[jj]
			g.dcoef[o] += m.w * m.kern[jj]
		}
		g.search(gr, e, j+1, acc+m.w*m.b1)
		for jj, o := range w {
			g.coef[o], g.dcoef[o] = save[jj], dsave[jj]
		}
	}
}
