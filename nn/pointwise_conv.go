package nn

import "time"

// 1×1 convolutions at inference (MobileNets' expansions and projections,
// SqueezeNet's squeeze and expand1x1 layers) on the stem kernel's register
// tiles (conv_stem.go), with the bias and the clamping activation applied
// before each tile is stored into the layer's output:
//
//	y[p, o] = clamp(Σ_c x[p, c] · K[0, 0, c, o] + b[o], lo, hi)
//
// In NHWC a 1×1 convolution with stride 1 and no padding is one product
// of the image's pixels (a P×cin matrix, rows contiguous) by the kernel
// (cin×cout), so the tiles read the input and the kernel in place: no
// im2col, no packing, and no second pass over the output. The GEMM path
// (conv2d_direct.go) writes each block into a scratch and then the kept
// output with biasClamp: on MobileNetV2 that pass was a fifth of the
// CPU profile, stalled on stores to output buffers that are not in cache
// (every node's output is kept for the grid), which here overlap with the
// multiply-adds instead. Sums run in the same order as the GEMM path's
// (the taps in order, then the bias), so the outputs are the same bit for
// bit (TestPointwiseConvMatches).
//
// Work items are chunks of whole tiles of pixels (about pwChunkFloats of
// input and output each) times groups of 16·v-channel column blocks, so that a
// 7×7 layer still gives both workers several items. A fused activation
// node (conv2d_postact.go) is computed on each item's outputs while they are
// in cache.

// pointwiseFast enables the path (tests and benchmarks turn it off to
// compare with the GEMM path).
var pointwiseFast = true

// pwChunkFloats bounds the input and output floats of one work item's
// pixels: 16 Ki floats (64 KiB), so that a chunk's output rows stay in
// cache while every column block of the kernel stores into them (with
// 128 KiB of input alone, 56×56 24→144 — nine 16-channel blocks over
// 1365 pixels — took 450–477 CPU µs, with this bound 281–293; whole
// MobileNetV2 and SqueezeNet passes 0.97–0.99×, BENCHMARKS.md).
const pwChunkFloats = 1 << 14

// pwMinPixels is the fewest pixels per image for the 1×1 path: at 7×7 (49
// pixels) every column block's weights are reloaded for each of a few
// tiles, and the GEMM path (packed panels, 12-pixel tiles) was faster
// (BENCHMARKS.md, branch perfmob).
const pwMinPixels = 128

// pointwiseShape is the register tile for f filters and cin input
// channels: stemShape's, but 32 channels × 12 pixels instead of 64 × 6
// when a 64-channel block of the kernel (cin·64 floats) does not fit in
// the L1 cache: the tiles then stream it from L2 at half the bytes per
// multiply-add.
func pointwiseShape(f, cin int) (v, p int) {
	v, p = stemShape(f)
	if v == 4 && pwWide && cin*64*4 > 32<<10 {
		return 2, 12
	}
	return v, p
}

var pwWide = true

// pwState is what the 1×1 path keeps between calls.
type pwState struct {
	fn         func(worker, item int) // pointwiseItem (a method value stored once)
	v, p       int                    // register tile (stemShape)
	chunk      int                    // pixels per item (a multiple of p)
	chunks     int                    // items along the pixels
	groups, gw int                    // column groups and their width in channels
	lo, hi     float32
	xt, yt     [][]float32 // per worker: the last partial tile's input and output
	kp         []float32   // with PackWeights: the kernel by column blocks (packKernel)
	kpw        int         // kp's block width
	ok         bool        // kp matches the kernel's values
	packed     bool        // this call reads kp
}

// pointwiseOK reports whether this call can take the 1×1 path: AVX-512
// (or the engine's Go-tiles knob, for tests), nn/sgemm as the BLAS, a
// 1×1 kernel with stride 1, no padding, groups or dilation, a multiple of
// 16 filters and a clamping activation.
func (c *Conv2D) pointwiseOK() bool {
	g := &c.g
	o := &c.eng.opts
	_, _, clamps := clampAct(c.act)
	return pointwiseFast && g.h*g.w >= pwMinPixels && !o.stemOff && !o.convDirectOff && (useStemAVX512 || o.stemGo) && c.eng.sgemm() &&
		g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.pt == 0 && g.pl == 0 && g.oh == g.h && g.ow == g.w &&
		c.groups == 1 && g.dh == 1 && g.dw == 1 && c.filters%16 == 0 && clamps
}

// forwardPointwise computes y = f(x·K + b) on the 1×1 path at inference
// and reports whether it did.
func (c *Conv2D) forwardPointwise(y, x *Tensor) bool {
	if !c.pointwiseOK() {
		return false
	}
	g := &c.g
	pw := &c.pw
	if pw.fn == nil {
		pw.fn = c.pointwiseItem
	}
	n, cin, f := x.Batch(), g.c, c.filters
	m := g.h * g.w
	pw.v, pw.p = pointwiseShape(f, cin)
	tiles := (m + pw.p - 1) / pw.p
	per := max(1, min(tiles, pwChunkFloats/((cin+f)*pw.p)))
	pw.chunks = (tiles + per - 1) / per
	per = (tiles + pw.chunks - 1) / pw.chunks // even chunks
	pw.chunk = per * pw.p
	pw.chunks = (m + pw.chunk - 1) / pw.chunk
	w := c.eng.workers()
	blocks := f / (16 * pw.v)
	pw.groups = 1
	for n*pw.chunks*pw.groups < 4*w && pw.groups < blocks {
		pw.groups++
	}
	bpg := (blocks + pw.groups - 1) / pw.groups
	pw.gw = bpg * 16 * pw.v
	pw.groups = (f + pw.gw - 1) / pw.gw
	pw.lo, pw.hi, _ = clampAct(c.act)
	pw.xt = scratch(pw.xt, w, pw.p*cin)
	pw.yt = scratch(pw.yt, w, pw.p*16*pw.v)
	if c.bias == nil && len(c.stem.zero) < f {
		c.stem.zero = make([]float32, f)
	}
	pw.packed = c.usePacked(false)
	if pw.packed {
		c.packKernel()
	}
	c.x, c.y = x, y
	c.eng.parallelForWork(n*pw.chunks*pw.groups, c.forwardWork()*time.Duration(n), pw.fn)
	c.x, c.y = nil, nil
	return true
}

// pointwiseItem computes one work item of the 1×1 path: pixels
// [p0, p1) of one sample, output channels [j0, j1).
func (c *Conv2D) pointwiseItem(worker, item int) {
	pw := &c.pw
	cin, f := c.g.c, c.filters
	grp := item % pw.groups
	item /= pw.groups
	n, p0 := item/pw.chunks, item%pw.chunks*pw.chunk
	m := c.g.h * c.g.w
	p1 := min(p0+pw.chunk, m)
	j0, j1 := grp*pw.gw, min(grp*pw.gw+pw.gw, f)
	bias := c.stem.zero
	if c.bias != nil {
		bias = c.bias.Value
	}
	x, y := c.x.Sample(n), c.y.Sample(n)
	cw := 16 * pw.v
	full := (p1 - p0) / pw.p
	rest := (p1 - p0) % pw.p
	var xt, yt []float32
	if rest > 0 { // the last tile's pixels, zero-padded to a whole tile
		xt, yt = pw.xt[worker], pw.yt[worker]
		q := p0 + full*pw.p
		copy(xt, x[q*cin:p1*cin])
		clear(xt[rest*cin:])
	}
	for j := j0; j < j1; j += cw {
		k, ldk := c.kernel.Value[j:], f
		if pw.packed {
			k, ldk = pw.kp[j*cin:], cw
		}
		if full > 0 {
			stemTiles(pw.v, pw.p, y[p0*f+j:], f, x[p0*cin:], cin, 0, k, ldk, 1, cin, bias[j:j+cw], full, pw.lo, pw.hi, c.eng.opts.stemGo)
		}
		if rest > 0 {
			stemTiles(pw.v, pw.p, yt, cw, xt, cin, 0, k, ldk, 1, cin, bias[j:j+cw], 1, pw.lo, pw.hi, c.eng.opts.stemGo)
			q := p0 + full*pw.p
			for p := 0; p < rest; p++ {
				copy(y[(q+p)*f+j:][:cw], yt[p*cw:])
			}
		}
	}
	if pa := &c.pa; pa.out != nil { // conv2d_postact.go: the activation node's values
		a := pa.out.Sample(n)
		if j0 == 0 && j1 == f {
			pa.act.actRows(a[p0*f:p1*f], y[p0*f:p1*f])
		} else {
			for o := p0 * f; o < p1*f; o += f {
				pa.act.actRows(a[o+j0:o+j1], y[o+j0:o+j1])
			}
		}
		if !pa.done.Load() {
			pa.done.Store(true)
		}
	}
}

// packKernel copies the kernel (cin × filters) into pw.kp by column blocks
// of the tile's width cw, each a contiguous cin × cw matrix (block j/cw
// at kp[j·cin:]), unless the copy is current: with Engine.PackWeights the
// tiles then stream each block's weights instead of reading cw of every
// filters-long kernel row (which at 7×7, where a block's weights are
// reloaded for every few pixels, cost more than the GEMM path saved).
func (c *Conv2D) packKernel() {
	pw := &c.pw
	cin, f, cw := c.g.c, c.filters, 16*pw.v
	if pw.ok && len(pw.kp) == cin*f && pw.kpw == cw {
		return
	}
	pw.kp = make([]float32, cin*f)
	for j := 0; j < f; j += cw {
		blk := pw.kp[j*cin : (j+cw)*cin]
		for t := range cin {
			copy(blk[t*cw:(t+1)*cw], c.kernel.Value[t*f+j:])
		}
	}
	pw.ok, pw.kpw = true, cw
}
