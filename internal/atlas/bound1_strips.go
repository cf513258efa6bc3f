package atlas

import (
	"math"
	"math/bits"
)

// StripBound1 bounds the largest mean activation a channel of the first
// convolution (valid padding, stride 1) reaches over images with pixels
// in [Lo, Hi], decomposing the map into horizontal strips of whole rows
// of cells (Heights, top to bottom, of any sizes summing to the map's
// height), each maximised exactly by dynamic programming over its
// columns. It is TileBound1's Lagrangian with strips of mixed heights
// and a faster exact strip maximum (tables per group of pixel rows), so
// that strips of 5–8 rows of cells are affordable.
//
// The multipliers a hold one (G+KH−1)×W×C array per distinct height G
// (in order of first appearance), shared by every strip of that height;
// with A_x the sum of the multipliers of the strips that read pixel x,
//
//	Σ_cells relu(z) = Σ_strips [T(p_s) + a_G·p_s] − Σ_pixels x·A_x
//	               ≤ Σ_G n_G·max_p [T_G(p) + a_G·p] + Σ_pixels max_x(−x·A_x),
//
// valid for any a (Bunel et al., UAI 2020; the overlap of two strips is
// the KH−1 pixel rows both read).
type StripBound1 struct {
	K         []float64 // taps (dy, dx, c), kh·kw·cin
	B         float64   // bias
	KH, KW, C int       // kernel and input channels
	H, W      int       // image
	Heights   []int     // rows of cells of each strip, top to bottom
	Lo, Hi    float64   // pixel box
	// MaxBits caps a row group's table at 2^MaxBits entries (0: 12).
	MaxBits int
}

// kinds returns the distinct strip heights in order of first appearance
// and how many strips have each.
func (sb *StripBound1) kinds() (hs, counts []int) {
	for _, g := range sb.Heights {
		found := false
		for i, h := range hs {
			if h == g {
				counts[i]++
				found = true
			}
		}
		if !found {
			hs, counts = append(hs, g), append(counts, 1)
		}
	}
	return hs, counts
}

// Offsets returns where each distinct height's multipliers start in a
// and the length of a.
func (sb *StripBound1) Offsets() (hs []int, off []int, n int) {
	hs, _ = sb.kinds()
	for _, g := range hs {
		off = append(off, n)
		n += (g + sb.KH - 1) * sb.W * sb.C
	}
	return hs, off, n
}

func (sb *StripBound1) box(v float64) float64 { return max(v*sb.Lo, v*sb.Hi) }

func (sb *StripBound1) argmax(v float64) float64 {
	if v > 0 {
		return sb.Hi
	}
	return sb.Lo
}

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

// stripMax returns max_p [T_g(p) + a·p] for a strip of g rows of cells
// across the whole width (a its (g+KH−1)×W×C multipliers) and, in p (if
// not nil), a maximising patch.
func (sb *StripBound1) stripMax(g int, a, p []float64) float64 {
	var masks []int
	if p != nil {
		masks = make([]int, sb.W)
	}
	v := sb.stripDP(g, a, nil, masks)
	if p != nil {
		kh, kw, c, w := sb.KH, sb.KW, sb.C, sb.W
		ph := g + kh - 1
		coef := append([]float64(nil), a[:ph*w*c]...)
		for j := range w - kw + 1 {
			for i := range g {
				if masks[j]>>i&1 == 0 {
					continue
				}
				t := 0
				for dy := range kh {
					for dx := range kw {
						for ch := range c {
							coef[((i+dy)*w+j+dx)*c+ch] += sb.K[t]
							t++
						}
					}
				}
			}
		}
		for i, v := range coef {
			p[i] = sb.argmax(v)
		}
	}
	return v
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
	best, st := math.Inf(-1), 0
	for i, v := range V {
		if v > best {
			best, st = v, i
		}
	}
	if masks != nil {
		for x := w - 1; x >= 0; x-- {
			masks[x] = st & (nm - 1)
			st = st>>g | int(back[x*nState+st])<<shift
		}
	}
	return best
}

// Bound returns the bound the multipliers a give (the mean over the map)
// and, in grad (if not nil), a subgradient with respect to a.
func (sb *StripBound1) Bound(a, grad []float64) float64 {
	hs, off, n := sb.Offsets()
	_, counts := sb.kinds()
	c, w := sb.C, sb.W
	oh, ow := sb.H-sb.KH+1, sb.W-sb.KW+1
	var total float64
	patches := make([][]float64, len(hs))
	for k, g := range hs {
		ak := a[off[k] : off[k]+(g+sb.KH-1)*w*c]
		if grad != nil {
			patches[k] = make([]float64, len(ak))
		}
		total += float64(counts[k]) * sb.stripMax(g, ak, patches[k])
	}
	kindOf := func(g int) int {
		for k, h := range hs {
			if h == g {
				return k
			}
		}
		return -1
	}
	A := make([]float64, sb.H*w*c)
	y0 := 0
	for _, g := range sb.Heights {
		k := kindOf(g)
		sz := (g + sb.KH - 1) * w * c
		for i, v := range a[off[k] : off[k]+sz] {
			A[y0*w*c+i] += v
		}
		y0 += g
	}
	for _, v := range A {
		total += sb.box(-v)
	}
	if grad != nil {
		clear(grad[:n])
		for k, g := range hs {
			sz := (g + sb.KH - 1) * w * c
			for i, v := range patches[k] {
				grad[off[k]+i] = float64(counts[k]) * v
			}
			_ = sz
		}
		y0 = 0
		for _, g := range sb.Heights {
			k := kindOf(g)
			sz := (g + sb.KH - 1) * w * c
			for i := range sz {
				grad[off[k]+i] -= sb.argmax(-A[y0*w*c+i])
			}
			y0 += g
		}
		for i := range grad[:n] {
			grad[i] /= float64(oh * ow)
		}
	}
	return total / float64(oh*ow)
}

// Optimise runs iters steps of Adam (step lr, falling to lr/10) on the
// multipliers from a (changed in place to the best found) and returns
// the smallest bound seen.
func (sb *StripBound1) Optimise(a []float64, iters int, lr float64) float64 {
	g := make([]float64, len(a))
	m1, m2 := make([]float64, len(a)), make([]float64, len(a))
	best := sb.Bound(a, g)
	bestA := append([]float64(nil), a...)
	const b1, b2 = 0.9, 0.999
	for it := 1; it <= iters; it++ {
		step := lr * (1 - 0.9*float64(it)/float64(iters))
		c1, c2 := 1-math.Pow(b1, float64(it)), 1-math.Pow(b2, float64(it))
		for i := range a {
			m1[i] = b1*m1[i] + (1-b1)*g[i]
			m2[i] = b2*m2[i] + (1-b2)*g[i]*g[i]
			a[i] -= step * (m1[i] / c1) / (math.Sqrt(m2[i]/c2) + 1e-12)
		}
		if v := sb.Bound(a, g); v < best {
			best = v
			copy(bestA, a)
		}
	}
	copy(a, bestA)
	return best
}
