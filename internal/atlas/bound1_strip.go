package atlas

import (
	"math"
	"math/bits"

	"gonum.org/v1/gonum/floats"
)

// tileMaxDP is tileMax by dynamic programming over the tile's columns of
// cells, for tiles too wide to enumerate (a strip of GY rows of cells and
// any width). A pixel of patch column x is read only by the cells of
// columns x−KW+1 … x, so with s_j the set of active cells of column j (a
// GY-bit mask), the tile's value is
//
//	Σ_j |s_j|·b + Σ_x f_x(s_{x−KW+1}, …, s_x),
//	f_x = Σ_{pixels of column x} max_v v·(a + Σ_{active cells reading it} K),
//
// a chain: Viterbi's recursion over x with the last KW−1 masks as the
// state, 2^(KW·GY) terms per column (4096 for a 3×3 kernel and strips of
// 4 cells), instead of the 2^(GY·GX) subsets. Exact like tileMax; p (if
// not nil) gets a maximising patch.
func (tb *TileBound1) tileMaxDP(a, p []float64) float64 {
	gy, kw, kh, c := tb.GY, tb.KW, tb.KH, tb.C
	ph, pw := tb.PH(), tb.PW()
	nm := 1 << gy
	// contrib[((d·nm + s)·ph + y)·c + ch]: what the active cells s of the
	// cell column x−d add to the pixel (y, x, ch).
	contrib := make([]float64, kw*nm*ph*c)
	for d := range kw {
		for s := range nm {
			for i := range gy {
				if s>>i&1 == 0 {
					continue
				}
				for dy := range kh {
					for ch := range c {
						contrib[((d*nm+s)*ph+i+dy)*c+ch] += tb.K[(dy*kw+d)*c+ch]
					}
				}
			}
		}
	}
	stateBits := (kw - 1) * gy
	nState := 1 << stateBits
	nComb := 1 << (kw * gy)
	V := make([]float64, nState)
	W := make([]float64, nState)
	for i := range V {
		V[i] = math.Inf(-1)
	}
	V[0] = 0
	back := make([]int32, pw*nState) // the comb chosen for each state
	col := make([]float64, ph*c)
	for x := range pw {
		for i := range W {
			W[i] = math.Inf(-1)
		}
		for comb := range nComb {
			s := comb & (nm - 1)
			if s != 0 && x >= tb.GX {
				continue
			}
			prev := V[comb>>gy]
			if math.IsInf(prev, -1) {
				continue
			}
			for y := range ph {
				for ch := range c {
					col[y*c+ch] = a[(y*pw+x)*c+ch]
				}
			}
			for d := range kw {
				sd := comb >> (d * gy) & (nm - 1)
				if sd == 0 || x-d < 0 {
					continue
				}
				cb := contrib[(d*nm+sd)*ph*c:]
				for i := range col {
					col[i] += cb[i]
				}
			}
			v := prev + float64(bits.OnesCount(uint(s)))*tb.B
			for _, cv := range col {
				v += tb.box(cv)
			}
			st := comb & (nState - 1)
			if v > W[st] {
				W[st] = v
				back[x*nState+st] = int32(comb)
			}
		}
		V, W = W, V
	}
	st := floats.MaxIdx(V) // the best final state (the first of ties)
	top := V[st]
	if p != nil {
		masks := make([]int, pw)
		for x := pw - 1; x >= 0; x-- {
			comb := int(back[x*nState+st])
			masks[x] = comb & (nm - 1)
			st = comb >> gy
		}
		coef := append([]float64(nil), a...)
		addActiveKernels(coef, tb.K, kh, kw, c, pw, tb.GX, gy, 0, masks)
		for i, v := range coef {
			p[i] = tb.argmax(v)
		}
	}
	return top
}
