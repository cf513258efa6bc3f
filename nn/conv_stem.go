package nn

import (
	"math"
	"time"
)

// Convolutions with few input channels (cin ≤ 4: the RGB stem of a ResNet,
// a VGG or an Inception net) as their own direct kernel. Through im2col a
// 7×7/2 stem copies runs of only kw·cin = 21 floats per kernel row and
// multiplies a 147-deep product whose A operand is as large as the output;
// nn/sgemm ran it at ≈ 100 GFLOP/s on one core. Here each kernel tap
// (u, v, c) is one contiguous row of cout weights in Keras' (kh, kw, cin,
// cout) layout, and a register tile of 6 output pixels × 64 output channels
// (24 zmm accumulators; 12 × 32 or 12 × 16 for narrower layers, stemShape)
// is
//
//	y[p, o] = f(b[o] + Σ_u Σ_t X[(i·sh + u)·Wp + j_p·sw, t] · K[u·kw·cin + t, o])
//
// where X is a zero-bordered copy of the input rows (width Wp pixels, read
// as floats: t = v·cin + c runs over kw·cin contiguous floats) and j_p the
// tile's output columns: per tap, four vector loads of K and one broadcast
// per pixel feed 24 fused multiply-adds, so the kernel runs at the FMA
// units' rate (conv_stem_amd64.s). Bias and a clamping activation (linear,
// ReLU, ReLU6) are applied before the tile is stored; other activations run
// over the rows afterwards.
//
// Work items are blocks of stemRows output rows; each pads the input rows
// it reads into its worker's scratch (zero columns on both sides, up to a
// whole number of tiles, zero rows above and below the image), so the
// kernel itself has no bounds to check. A row's last, partial tile is
// computed into a scratch tile and copied.

const (
	stemMaxCin = 4 // input channels up to which the stem kernel is used
	stemRows   = 8 // output rows per work item
)

// stemShape returns the register tile for f filters: v·16 output channels
// (v zmm vectors) by p output pixels, or v = 0 when f is not a multiple of
// 16. Blocks of 64 channels (6 pixels) for f % 64 == 0, else 32 or 16
// channels (12 pixels).
func stemShape(f int) (v, p int) {
	switch {
	case f%64 == 0:
		return 4, 6
	case f%32 == 0:
		return 2, 12
	case f%16 == 0:
		return 1, 12
	}
	return 0, 0
}

// stemState is what the stem kernel keeps between calls.
type stemState struct {
	fn, strided func(worker, item int) // stemItem, stridedItem (method values stored once)
	zero        []float32              // a zero bias when the layer has none
	tail        [][]float32            // per worker: one tile of output
	v, p        int                    // register tile: v·16 channels, p pixels (stemShape)
	lo, hi      float32                // clamping activation of this call
	post        bool                   // the activation runs after the tiles
	wp          int                    // padded row width in pixels
	// strided path (conv_stem_strided.go)
	xs       []float32 // the padded input, rows grouped by residue mod the stride
	nb, size int       // rows per residue group, floats per sample
	// 1×1 strided path (conv_stem_1x1.go)
	pointwise func(worker, i int)
	// Predict's stem + max pooling (conv_stem_pool.go)
	pool stemPoolRun
}

// stemOK reports whether this call takes the stem kernel: nn/sgemm as the
// engine's BLAS (the path of fast kernels; another BLAS is for
// comparisons), AVX-512 (or the Go tiles, for tests), no groups or
// dilation, at most stemMaxCin input channels and a multiple of 16 output
// channels.
func (c *Conv2D) stemOK() bool {
	g := &c.g
	o := &c.eng.opts
	return !o.stemOff && !o.convDirectOff && (useStemAVX512 || o.stemGo) && c.eng.sgemm() &&
		c.groups == 1 && g.dh == 1 && g.dw == 1 && g.c <= stemMaxCin && c.filters%16 == 0
}

// forwardStem computes y = f(conv(x) + b) on the stem kernel, the strided
// path (conv_stem_strided.go) or the 1×1 strided path (conv_stem_1x1.go)
// when this call can take one, and reports
// whether it did. Forward calls it after setting c.packed.
func (c *Conv2D) forwardStem(y, x *Tensor) bool {
	switch {
	case c.stemOK():
		c.forwardSmallCin(y, x)
	case c.stridedOK():
		c.forwardStrided(y, x)
	case c.strided1x1OK(): // conv_stem_1x1.go
		c.forward1x1Strided(y, x)
	default:
		return false
	}
	return true
}

// forwardSmallCin is Forward on the stem kernel.
func (c *Conv2D) forwardSmallCin(y, x *Tensor) {
	g := &c.g
	n := x.Batch()
	st := &c.stem
	if st.fn == nil {
		st.fn = c.stemItem
	}
	st.v, st.p = stemShape(c.filters)
	tiles := (g.ow + st.p - 1) / st.p
	st.wp = max(g.w+g.pl, (tiles*st.p-1)*g.sw+g.kw)
	c.blocks = (g.oh + stemRows - 1) / stemRows
	c.rows = (g.oh + c.blocks - 1) / c.blocks
	c.blocks = (g.oh + c.rows - 1) / c.rows
	c.cb, c.cw = 1, c.filters // items are whole rows: sample·blocks + block
	w := c.eng.workers()
	c.cols = scratch(c.cols, w, ((c.rows-1)*g.sh+g.kh)*st.wp*g.c)
	st.tail = scratch(st.tail, w, st.p*st.v*16)
	if c.bias == nil && len(st.zero) < c.filters {
		st.zero = make([]float32, c.filters)
	}
	var ok bool
	st.lo, st.hi, ok = clampAct(c.act)
	st.post = !ok
	if st.post {
		st.lo, st.hi = float32(math.Inf(-1)), float32(math.Inf(1))
	}
	c.x, c.y = x, y
	work := c.forwardWork() * time.Duration(n)
	c.eng.parallelForWork(n*c.blocks, work, st.fn)
	c.x, c.y = nil, nil
}

// stemItem computes output rows [r0, r1) of one sample on the stem kernel.
func (c *Conv2D) stemItem(worker, item int) {
	g := &c.g
	st := &c.stem
	f := c.filters
	n, r0 := item/c.blocks, item%c.blocks*c.rows
	r1 := min(r0+c.rows, g.oh)
	ldx := st.wp * g.c
	rows := (r1-r0-1)*g.sh + g.kh
	xp := c.cols[worker][:rows*ldx]
	c.stemPadRows(xp, c.x.Sample(n), r0*g.sh-g.pt)
	y := c.y.Sample(n)
	for r := r0; r < r1; r++ {
		c.stemRow(y[r*g.ow*f:(r+1)*g.ow*f], xp[(r-r0)*g.sh*ldx:], st.tail[worker])
	}
	if st.post {
		biasAct(y[r0*g.ow*f:r1*g.ow*f], nil, f, c.act)
	}
	if c.pa.out != nil { // conv2d_postact.go: the activation node's rows
		c.actItem(item)
	}
}

// stemPadRows fills xp with the zero-bordered input rows iy0, iy0+1, …
// of sample x (len(xp) / (wp·cin) rows; rows outside the image are zero).
func (c *Conv2D) stemPadRows(xp, x []float32, iy0 int) {
	g := &c.g
	cin := g.c
	ldx := c.stem.wp * cin
	for i := 0; i < len(xp)/ldx; i++ {
		dst := xp[i*ldx : (i+1)*ldx]
		iy := iy0 + i
		if iy < 0 || iy >= g.h {
			clear(dst)
			continue
		}
		clear(dst[:g.pl*cin])
		copy(dst[g.pl*cin:], x[iy*g.w*cin:(iy+1)*g.w*cin])
		clear(dst[(g.pl+g.w)*cin:])
	}
}

// stemRow computes one output row yr (ow·filters values) on the stem
// kernel from xr, the padded input rows it reads (stemPadRows' layout,
// its first row the window's top), with tail as the partial tile's scratch.
func (c *Conv2D) stemRow(yr, xr, tail []float32) {
	g := &c.g
	st := &c.stem
	f := c.filters
	bias := st.zero
	if c.bias != nil {
		bias = c.bias.Value
	}
	cw := st.v * 16 // channels per tile
	full, rest := g.ow/st.p, g.ow%st.p
	taps, sx, ldx := g.kw*g.c, g.sw*g.c, st.wp*g.c
	for j0 := 0; j0 < f; j0 += cw {
		k, b := c.kernel.Value[j0:], bias[j0:j0+cw]
		if full > 0 {
			stemTiles(st.v, st.p, yr[j0:], f, xr, sx, ldx, k, f, g.kh, taps, b, full, st.lo, st.hi, c.eng.opts.stemGo)
		}
		if rest > 0 {
			stemTiles(st.v, st.p, tail, cw, xr[full*st.p*sx:], sx, ldx, k, f, g.kh, taps, b, 1, st.lo, st.hi, c.eng.opts.stemGo)
			for p := 0; p < rest; p++ {
				copy(yr[(full*st.p+p)*f+j0:][:cw], tail[p*cw:])
			}
		}
	}
}

// stemTiles computes n tiles of P output pixels × C = 16·v output channels
// ((v, P) from stemShape): pixel p of tile i is y[(P·i+p)·ldy:][:C] =
// min(max(b + Σ_u Σ_t x[u·ldx + (P·i+p)·sx + t] · k[(u·taps+t)·ldk:][:C],
// lo), hi), u < kh, t < taps. It panics if a slice is too short. goTiles
// runs stemTilesGo even where the AVX-512 kernel could run.
func stemTiles(v, tp int, y []float32, ldy int, x []float32, sx, ldx int, k []float32, ldk, kh, taps int, b []float32, n int, lo, hi float32, goTiles bool) {
	if n <= 0 {
		return
	}
	if sv, sp := stemShape(16 * v); sv != v || sp != tp {
		panic("nn: stemTiles: bad tile")
	}
	px, cw := n*tp, 16*v
	if len(y) < (px-1)*ldy+cw || len(x) < (kh-1)*ldx+(px-1)*sx+taps ||
		len(k) < (kh*taps-1)*ldk+cw || len(b) < cw || ldy < cw || ldk < cw {
		panic("nn: stemTiles: bad lengths")
	}
	if useStemAVX512 && !goTiles {
		stemTilesAVX512(v, &y[0], ldy, &x[0], sx, ldx, &k[0], ldk, kh, taps, &b[0], n, lo, hi)
		return
	}
	stemTilesGo(cw, y, ldy, x, sx, ldx, k, ldk, kh, taps, b, px, lo, hi)
}

// stemTilesGo is stemTiles in Go for px pixels of cw ≤ 64 channels, one
// pixel at a time, summing in the assembly kernel's order (the bias last;
// a NaN stays NaN).
func stemTilesGo(cw int, y []float32, ldy int, x []float32, sx, ldx int, k []float32, ldk, kh, taps int, b []float32, px int, lo, hi float32) {
	var buf [64]float32
	acc := buf[:cw]
	for p := 0; p < px; p++ {
		clear(acc)
		for u := 0; u < kh; u++ {
			xs := x[u*ldx+p*sx : u*ldx+p*sx+taps]
			for t, v := range xs {
				kr := k[(u*taps+t)*ldk:][:cw]
				for o, w := range kr {
					acc[o] += v * w
				}
			}
		}
		out := y[p*ldy : p*ldy+cw]
		for o, v := range acc {
			v += b[o]
			if v < lo {
				v = lo
			}
			if v > hi {
				v = hi
			}
			out[o] = v
		}
	}
}
