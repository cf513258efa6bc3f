package nn

import "github.com/convscope/convscope/nn/sgemm"

// Strided convolutions (ResNet's 3×3 stride-2 entries to each stage) on a
// direct path, without im2col. Kernel row u of output row i reads padded
// input row i·s + u; with the padded rows stored grouped by their residue
// mod s (rows 0, s, 2s, … then 1, s+1, … ), that row is row i + ⌊u/s⌋ of
// group u mod s, and consecutive output rows read consecutive rows of one
// group. Inside a row, output pixel j reads the kw·cin contiguous floats
// from column j·s. With the padded width Wp a multiple of s, a group read
// with row stride s·cin floats is a matrix whose row q = i·(Wp/s) + j is
// output pixel (i, j) (j ≥ ow: junk, (Wp/s − ow) per row), so one block of
// output rows is one product per kernel row, as on the stride-1 direct path
// (conv2d_direct.go), with the same packed kernel rows:
//
//	Y[q] = Σ_u G_{u mod s}[q + (i0 + ⌊u/s⌋)·Wp/s, kw·cin window] · K[u]
//
// One copy of the input replaces im2col's kh·kw/s² copies; the 56×56
// 64→128 layer's junk is 1/29 of its rows.

// stridedOK reports whether this call takes the strided path: nn/sgemm,
// equal strides of 2 or more, no groups or dilation, a kernel of more than
// one tap, at least 16 input channels (with fewer, kw·cin is too short a
// product; cin ≤ 4 takes the stem kernel) and at most a tenth of junk
// rows. ResNet-18's 14→7 layer (8 rows per 7 pixels) stays on im2col: it
// is bound by reading its kernel, and the junk made it 5–10 % slower alone
// (BenchmarkConvStrided), no faster inside the network.
func (c *Conv2D) stridedOK() bool {
	g := &c.g
	o := &c.eng.opts
	if o.stemOff || o.convDirectOff || !c.eng.sgemm() || g.sh != g.sw || g.sh < 2 ||
		c.groups != 1 || g.dh != 1 || g.dw != 1 || g.kh*g.kw == 1 || g.c < 16 {
		return false
	}
	ws := (g.w + g.pl + g.pr + g.sh - 1) / g.sh // product rows per output row
	return 10*(ws-g.ow) <= ws
}

// forwardStrided is Forward on the strided path (c.rows, c.blocks, c.cb,
// c.cw and c.packed set by Forward).
func (c *Conv2D) forwardStrided(y, x *Tensor) {
	g := &c.g
	st := &c.stem
	if st.strided == nil {
		st.strided = c.stridedItem
	}
	n, s := x.Batch(), g.sh
	st.wp = (g.w + g.pl + g.pr + s - 1) / s * s
	st.nb = (g.h + g.pt + g.pb + s - 1) / s
	size := s * st.nb * st.wp * g.c
	if st.size != size || len(st.xs) < n*size {
		st.size = size
		st.xs = make([]float32, n*size) // zero borders, never written again
	}
	row := g.w * g.c
	for smp := 0; smp < n; smp++ {
		src, dst := x.Sample(smp), st.xs[smp*size:(smp+1)*size]
		for iy := 0; iy < g.h; iy++ {
			pr := iy + g.pt // padded row: group pr mod s, row pr / s
			o := ((pr%s)*st.nb+pr/s)*st.wp*g.c + g.pl*g.c
			copy(dst[o:o+row], src[iy*row:(iy+1)*row])
		}
	}
	c.preparePackedFor(true)
	c.cols = scratch(c.cols, c.eng.workers(), ((c.rows-1)*st.wp/s+g.ow)*c.filters)
	c.y = y
	c.eng.parallelFor(n*c.blocks*c.cb, st.strided)
	c.y = nil
}

// stridedItem computes one block of output rows (and output channels
// [j0, j1)) of one sample: kh products into the worker's scratch, then
// y = f(scratch + b) for the ow real pixels of each row.
func (c *Conv2D) stridedItem(worker, item int) {
	g := &c.g
	st := &c.stem
	f, cin, s := c.filters, g.c, g.sh
	blk, j0 := item/c.cb, item%c.cb*c.cw
	j1 := min(j0+c.cw, f)
	n, r0 := blk/c.blocks, blk%c.blocks*c.rows
	r1 := min(r0+c.rows, g.oh)
	ws := st.wp / s // pixels per row of the products, junk included
	m := (r1-r0-1)*ws + g.ow
	kr := g.kw * cin
	xs := st.xs[n*st.size : (n+1)*st.size]
	out := c.cols[worker][:m*f]
	packed := len(c.packs) == g.kh && c.packedColumns(j0)
	for u := 0; u < g.kh; u++ {
		a := xs[((u%s)*st.nb+r0+u/s)*st.wp*cin:]
		beta := float32(min(u, 1))
		if packed {
			gemmPackedRuns(m, j0, j1, a, s*cin, c.packs, u, beta, out[j0:], f, g.ow, ws) // conv2d_prefetch.go
		} else {
			sgemm.GemmOverlap(false, false, m, j1-j0, kr, 1, a, s*cin, c.kernel.Value[u*kr*f+j0:(u+1)*kr*f], f, beta, out[j0:], f)
		}
	}
	var b []float32
	if c.bias != nil {
		b = c.bias.Value
	}
	y := c.y.Sample(n)
	if c.cb > 1 {
		c.biasActColumns(y, out, b, r0, r1, ws, j0, j1)
	} else {
		rowLen := g.ow * f
		for r := r0; r < r1; r++ {
			biasActTo(y[r*rowLen:(r+1)*rowLen], out[(r-r0)*ws*f:], b, f, c.act)
		}
	}
	if c.pa.out != nil { // conv2d_postact.go: the activation node's rows
		c.actItem(item)
	}
}
