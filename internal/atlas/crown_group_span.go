package atlas

import (
	"fmt"
	"slices"
)

// How GroupCellBound's units are grouped (crown_group.go). A conv2d_2
// cell reads kh×kw pooled positions; the units of one position read the
// same window of (P + k1 − 1)² pixels per colour, and the windows of
// neighbouring positions overlap (by k1 − 1 = 2 columns or rows for the
// tutorial's model). Span 0 groups the units of each position apart;
// span 1 pairs neighbouring positions, and each group then holds the
// next ⌈size/2⌉ units (largest w·u first) of both: the group's copy reads
// the union of the two windows, and the pair's units agree on the
// pixels the windows share instead of being priced apart. The group's
// term stays exact (the search of crown_group_enum.go does not care
// where a unit's window lies in its group's pixels), so any layout gives
// a valid bound; which is tighter is measured (docs/atlas.md).

// posUnits are one pooled position's units.
type posUnits struct {
	pos, neg []member // pos: largest w·u first
	gwin     [][]int  // per window: the cell's pixel of each kernel tap
}

// spanSets returns the sets of positions (index ty·kw + tx) grouped
// together: each alone (span 0), or pairs of neighbours (span 1: each row's
// first two positions, the others of the last column paired downwards,
// a position left over alone).
func spanSets(kh, kw, span int) [][]int {
	var sets [][]int
	if span == 0 {
		for p := range kh * kw {
			sets = append(sets, []int{p})
		}
		return sets
	}
	used := make([]bool, kh*kw)
	for ty := range kh {
		for tx := 0; tx+1 < kw; tx += 2 {
			sets = append(sets, []int{ty*kw + tx, ty*kw + tx + 1})
			used[ty*kw+tx], used[ty*kw+tx+1] = true, true
		}
	}
	var rest []int
	for p := range kh * kw {
		if !used[p] {
			rest = append(rest, p)
		}
	}
	for i := 0; i < len(rest); i += 2 {
		sets = append(sets, rest[i:min(i+2, len(rest))])
	}
	return sets
}

// layout makes g's groups from the positions' units, set by set: group r
// of a set holds units r·m … r·m + m − 1 of each of its positions
// (m = ⌈size/len(set)⌉) and every len(groups)-th negative unit of the
// set's positions; its pixels are the union of their windows, in the
// cell's order.
func (g *groupBound) layout(units []posUnits, sets [][]int) {
	for _, set := range sets {
		m := (g.size + len(set) - 1) / len(set)
		ng := 1
		for _, p := range set {
			ng = max(ng, (len(units[p].pos)+m-1)/m)
		}
		var px []int
		for _, p := range set {
			for _, w := range units[p].gwin {
				px = append(px, w...)
			}
		}
		slices.Sort(px)
		px = slices.Compact(px)
		local := map[int]int{}
		for j, p := range px {
			local[p] = j
		}
		wins := make([][][]int, len(set)) // per position of the set: local windows
		for i, p := range set {
			for _, w := range units[p].gwin {
				lw := make([]int, len(w))
				for j, q := range w {
					lw[j] = local[q]
				}
				wins[i] = append(wins[i], lw)
			}
		}
		gs := make([]group, ng)
		for i := range gs {
			gs[i].px = px
		}
		nn := 0
		for i, p := range set {
			for j, u := range units[p].pos {
				u.win = wins[i]
				gs[j/m].pos = append(gs[j/m].pos, u)
			}
			for _, u := range units[p].neg {
				u.win = wins[i]
				gs[nn%ng].neg = append(gs[nn%ng].neg, u)
				nn++
			}
		}
		for i := range gs {
			gs[i].off = g.nlam
			g.nlam += len(px)
			g.nloc = max(g.nloc, len(px))
		}
		g.groups = append(g.groups, gs...)
	}
}

// groupStart is a solved layout whose multipliers start another's
// optimisation (GroupCellBoundFrom).
type groupStart struct {
	g    *groupBound
	cert *GroupCert
}

// transfer sets lam, for g's layout, to the sum of the prices of from's
// groups that g's groups hold: each of from's groups adds its λ (by the
// cell's pixel) to the group of g holding its first unit. When g's
// groups are unions of from's (larger groups of the same positions),
// the sum of the merged groups' maxima is at least the union's maximum,
// so the bound starts at or below from's; λ is projected again anyway.
func (g *groupBound) transfer(from *groupStart, lam []float64) {
	where := map[int]int{} // unit id → g's group
	for t, gr := range g.groups {
		for _, m := range slices.Concat(gr.pos, gr.neg) {
			where[m.id] = t
		}
	}
	for _, gr := range from.g.groups {
		units := slices.Concat(gr.pos, gr.neg)
		if len(units) == 0 {
			continue
		}
		dst := &g.groups[where[units[0].id]]
		at := map[int]int{}
		for j, p := range dst.px {
			at[p] = j
		}
		src := from.cert.Lam[gr.off : gr.off+len(gr.px)]
		for j, p := range gr.px {
			if i, ok := at[p]; ok {
				lam[dst.off+i] += src[j]
			}
		}
	}
	g.project(lam)
}

// GroupCellBoundFrom is GroupCellBoundSpan started from prev's
// multipliers (a smaller layout's certificate of the same channel):
// large groups cost more per step, so the prices are found on small
// ones first.
func (bd *Bounder) GroupCellBoundFrom(prev *GroupCert, iters, size, span int) (float64, *GroupCert, error) {
	from, err := bd.newGroupBound(prev.K, prev.Size, prev.Span)
	if err != nil {
		return 0, nil, err
	}
	g, err := bd.newGroupBound(prev.K, size, span)
	if err != nil {
		return 0, nil, err
	}
	if len(prev.Lam) != from.nlam || len(prev.Logit) != g.nNu*(g.npos+1) {
		return 0, nil, fmt.Errorf("atlas: bound: expected a certificate of %d and %d values, received %d and %d", from.nlam, g.nNu*(g.npos+1), len(prev.Lam), len(prev.Logit))
	}
	best, cert := g.optimise(iters, &groupStart{from, prev})
	return min(best, max(bd.zu[2][prev.K], 0)), cert, nil
}
