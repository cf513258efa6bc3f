package atlas

import (
	"math"
	"math/bits"

	"gonum.org/v1/gonum/floats"
)

// rowGroup is a run of pixel rows [r0, r1] of a strip and the cells
// [c0, c0+n) that read them.
type rowGroup struct{ r0, r1, c0, n int }

// groups splits a strip of g rows of cells into row groups whose tables
// (KW·n bits) stay within MaxBits.
func (sb *StripBound1) groups(g int) []rowGroup {
	maxBits := sb.MaxBits
	if maxBits == 0 {
		maxBits = 12
	}
	ph := g + sb.KH - 1
	cells := func(r0, r1 int) (int, int) {
		c0, c1 := max(0, r0-sb.KH+1), min(g-1, r1)
		return c0, c1 - c0 + 1
	}
	var out []rowGroup
	for r0 := 0; r0 < ph; {
		r1 := r0
		for r1+1 < ph {
			if _, n := cells(r0, r1+1); n*sb.KW > maxBits {
				break
			}
			r1++
		}
		c0, n := cells(r0, r1)
		out = append(out, rowGroup{r0, r1, c0, n})
		r0 = r1 + 1
	}
	return out
}

// stripDP is the exact maximum over a strip of g rows of cells across the
// whole width of Σ_cells b·[active] + Σ_pixels value(pixel), a pixel's
// value given the active cells reading it being Σ_ch max_v v·(a + Σ K)
// (a nil: zero), or, for a patch row y with fn[y] not nil,
// fn[y][x·2^(KH·KW) + code], code the active cells reading pixel (y, x)
// with bit dy·KW + dx for the cell (y − dy, x − dx). Viterbi's recursion
// over the pixel columns: the state is the activity of the last KW−1
// cell columns (masks of g bits), and a pixel column's value, given the
// KW masks of the cell columns that read it, is a sum over row groups of
// table entries. masks (if not nil) gets a maximising activity per cell
// column.
func (sb *StripBound1) stripDP(g int, a []float64, fn [][]float64, masks []int) float64 {
	kh, kw, c, w := sb.KH, sb.KW, sb.C, sb.W
	ow := w - kw + 1
	nm := 1 << g
	nState := 1 << ((kw - 1) * g)
	nCode := 1 << (kh * kw)
	grs := sb.groups(g)
	// Column-independent parts: the cells' sums per group entry, the
	// entry's cell code per looked-up row, and the entry's index split
	// into the new mask's part and the state's.
	type prep struct {
		sums       []float64 // [idx][(row−r0)·c + ch]
		codes      [][]int32 // [row−r0][idx], rows with fn
		lo, hi     []int32
		tab        []float64
		rows, size int
	}
	ps := make([]prep, len(grs))
	for gi, gr := range grs {
		rows := gr.r1 - gr.r0 + 1
		size := 1 << (kw * gr.n)
		pr := prep{sums: make([]float64, size*rows*c), codes: make([][]int32, rows), lo: make([]int32, nm), hi: make([]int32, nState), tab: make([]float64, size), rows: rows, size: size}
		for r := range rows {
			if fn != nil && fn[gr.r0+r] != nil {
				pr.codes[r] = make([]int32, size)
			}
		}
		for idx := range size {
			s := pr.sums[idx*rows*c : (idx+1)*rows*c]
			for d := range kw {
				for i := range gr.n {
					if idx>>(d*gr.n+i)&1 == 0 {
						continue
					}
					cell := gr.c0 + i
					for r := range rows {
						dy := gr.r0 + r - cell
						if dy < 0 || dy >= kh {
							continue
						}
						if pr.codes[r] != nil {
							pr.codes[r][idx] |= 1 << (dy*kw + d)
						}
						for ch := range c {
							s[r*c+ch] += sb.K[(dy*kw+d)*c+ch]
						}
					}
				}
			}
		}
		m := 1<<gr.n - 1
		for s0 := range nm {
			pr.lo[s0] = int32(s0 >> gr.c0 & m)
		}
		for st := range nState {
			var v int
			for d := 1; d < kw; d++ {
				v |= (st >> ((d - 1) * g) >> gr.c0 & m) << (d * gr.n)
			}
			pr.hi[st] = int32(v)
		}
		ps[gi] = pr
	}
	bias := make([]float64, nm)
	for s := range nm {
		bias[s] = float64(bits.OnesCount(uint(s))) * sb.B
	}
	V, W := make([]float64, nState), make([]float64, nState)
	for i := range V {
		V[i] = math.Inf(-1)
	}
	V[0] = 0
	back := make([]uint16, w*nState)
	shift := (kw - 2) * g
	for x := range w {
		for gi, gr := range grs {
			pr := &ps[gi]
			for idx := range pr.size {
				s := pr.sums[idx*pr.rows*c:]
				var v float64
				for r := range pr.rows {
					if pr.codes[r] != nil {
						v += fn[gr.r0+r][x*nCode+int(pr.codes[r][idx])]
						continue
					}
					if a == nil {
						for ch := range c {
							v += sb.box(s[r*c+ch])
						}
						continue
					}
					o := ((gr.r0+r)*w + x) * c
					for ch := range c {
						v += sb.box(a[o+ch] + s[r*c+ch])
					}
				}
				pr.tab[idx] = v
			}
		}
		for i := range W {
			W[i] = math.Inf(-1)
		}
		top := nm
		if x >= ow {
			top = 1
		}
		for prev := range nState {
			vp := V[prev]
			if math.IsInf(vp, -1) {
				continue
			}
			base := (prev << g) & (nState - 1)
			drop := uint16(prev >> shift)
			for s0 := range top {
				v := vp + bias[s0]
				for gi := range ps {
					pr := &ps[gi]
					v += pr.tab[pr.hi[prev]+pr.lo[s0]]
				}
				st := base | s0
				if v > W[st] {
					W[st] = v
					back[x*nState+st] = drop
				}
			}
		}
		V, W = W, V
	}
	st := floats.MaxIdx(V) // the best final state (the first of ties)
	best := V[st]
	if masks != nil {
		for x := w - 1; x >= 0; x-- {
			masks[x] = st & (nm - 1)
			st = st>>g | int(back[x*nState+st])<<shift
		}
	}
	return best
}
