package nn

import "github.com/convscope/convscope/nn/sgemm"

// The direct path of Conv2D: stride 1, no padding (every "valid" 3×3
// convolution of the reference model). It needs no im2col copy, because in
// an NHWC image the kw·cin values under kernel row u at output pixel (i, j)
// are contiguous and start at ((i+u)·w + j)·cin: the patch matrix of kernel
// row u is the image itself read with row stride cin (overlapping rows,
// sgemm.GemmOverlap). Reading every input pixel p = i·w + j, j < w, as an
// output position (the j ≥ ow ones are junk, wrapped around the right edge)
// makes one block of output rows a single product per kernel row:
//
//	Y[p] = Σ_u X[p + u·w, kw·cin window] · K[u]      (kw·cin × cout)
//
// Backward uses the same windows: dK[u] += X[p + u·w, window]ᵀ · dZ[p] over
// a dZ whose junk positions are zero, and the input gradient is the full
// correlation of dZ with the flipped kernel, again a product per kernel row
// over windows of a zero-padded dZ:
//
//	dX[q] = Σ_u dZ[q - u·w - (kw-1), kw·cout window] · Kf[u]   (kw·cout × cin)
//
// with Kf[u][(kw-1-v)·cout + o, c] = K[u, v, c, o]. Every row block of dX is
// written (not added to) by its own work item, so dX needs no clearing and
// blocks of one image can run in parallel.

// direct reports whether this call can take the direct path: stride 1, no
// padding, and nn/sgemm as the engine's BLAS (GemmOverlap is nn/sgemm's;
// with another BLAS, everything goes through its Sgemm). The engine's
// convDirectOff knob disables it (tests compare the two paths).
func (c *Conv2D) direct() bool {
	g := &c.g
	if c.eng.opts.convDirectOff || !c.eng.sgemm() || g.sh != 1 || g.sw != 1 || g.pt != 0 || g.pl != 0 || c.groups != 1 || g.dh != 1 || g.dw != 1 ||
		g.oh != g.h-g.kh+1 || g.ow != g.w-g.kw+1 {
		return false
	}
	return true
}

// forwardDirect computes one block of output rows of one sample: kh
// products into the worker's scratch (w pixels per row, junk included), then
// y = f(scratch + b) for the ow real pixels of each row.
func (c *Conv2D) forwardDirect(worker, item int) {
	g := &c.g
	f, cin := c.filters, g.c
	blk, j0 := item/c.cb, item%c.cb*c.cw
	j1 := min(j0+c.cw, f)
	n, r0 := blk/c.blocks, blk%c.blocks*c.rows
	r1 := min(r0+c.rows, g.oh)
	m := (r1-r0-1)*g.w + g.ow
	kr := g.kw * cin
	x := c.x.Sample(n)
	out := c.cols[worker][:m*f]
	if c.stacked() {
		// One product of depth kh·kw·cin over the stacked rows.
		kc := g.kh * cin
		s := c.stk[worker]
		stackRows(s[:(m+g.kw-1)*kc], x[r0*g.w*cin:], g.kh, g.w*cin, cin)
		sgemm.GemmOverlap(false, false, m, j1-j0, g.kw*kc, 1, s, kc, c.kstk[j0:], f, 0, out[j0:], f)
	} else if len(c.packs) == g.kh && c.packedColumns(j0) {
		for u := 0; u < g.kh; u++ {
			gemmPackedRow(m, j0, j1, x[(r0+u)*g.w*cin:], cin, c.packs, u, float32(min(u, 1)), out[j0:], f, g.ow, g.w)
		}
	} else {
		for u := 0; u < g.kh; u++ {
			sgemm.GemmOverlap(false, false, m, j1-j0, kr, 1, x[(r0+u)*g.w*cin:], cin,
				c.kernel.Value[u*kr*f+j0:(u+1)*kr*f], f, float32(min(u, 1)), out[j0:], f)
		}
	}
	var b []float32
	if c.bias != nil {
		b = c.bias.Value
	}
	y := c.y.Sample(n)
	rowLen := g.ow * f
	if c.cb > 1 {
		c.biasActColumns(y, out, b, r0, r1, g.w, j0, j1)
		return
	}
	for r := r0; r < r1; r++ {
		biasActTo(y[r*rowLen:(r+1)*rowLen], out[(r-r0)*g.w*f:], b, f, c.act)
	}
	if c.yp != nil {
		c.poolRows(n, r0, r1)
	}
}

// biasActColumns writes y = f(out + b) for channels [j0, j1) of output
// rows [r0, r1) (splitColumns' items); out holds the rows at a stride of
// w pixels.
func (c *Conv2D) biasActColumns(y, out, b []float32, r0, r1, w, j0, j1 int) {
	f, ow := c.filters, c.g.ow
	if b != nil {
		b = b[j0:j1]
	}
	for r := r0; r < r1; r++ {
		for px := 0; px < ow; px++ {
			o := (r*ow + px) * f
			s := ((r-r0)*w + px) * f
			biasActTo(y[o+j0:o+j1], out[s+j0:s+j1], b, j1-j0, c.act)
		}
	}
}

// stackMaxK bounds kw·cin for stacked kernel rows: below it, the direct
// path's kh products of depth kw·cin (conv2d_1: 9) spend more time loading
// and storing the output tile than multiplying, so the kh input rows under
// each pixel are first copied side by side and multiplied at once.
const stackMaxK = 32

// stacked reports whether the direct forward pass stacks kernel rows: for
// a small kw·cin, it copies the kh input rows under each pixel p side by
// side, S[p] = (X[p], X[p+w], …, X[p+(kh-1)·w]) (kh·cin values), so that,
// read with row stride kh·cin, the windows of kw consecutive pixels of S
// are whole receptive fields and one product of depth kh·kw·cin against
// the kernel in (kw, kh, cin) order (kstk) gives the output block.
func (c *Conv2D) stacked() bool {
	return c.g.kh > 1 && c.g.kw*c.g.c < stackMaxK && !c.eng.opts.convStackOff
}

// prepareStacked sizes the per-worker stacked rows for blocks of c.rows
// output rows and writes the kernel in stacked order, when stacked.
func (c *Conv2D) prepareStacked() {
	if !c.stacked() {
		return
	}
	g := &c.g
	f, cin := c.filters, g.c
	c.stk = scratch(c.stk, c.eng.workers(), (c.rows*g.w+g.kw)*g.kh*cin)
	if size := g.kh * g.kw * cin * f; len(c.kstk) != size {
		c.kstk = make([]float32, size)
	}
	k := c.kernel.Value
	for u := 0; u < g.kh; u++ {
		for v := 0; v < g.kw; v++ {
			copy(c.kstk[(v*g.kh+u)*cin*f:(v*g.kh+u+1)*cin*f], k[(u*g.kw+v)*cin*f:])
		}
	}
}

// stackRows writes s[p·kh·cin + u·cin + ci] = x[p·cin + u·row + ci] for
// the len(s)/(kh·cin) pixels p of s (row: one input row, w·cin values).
func stackRows(s, x []float32, kh, row, cin int) {
	kc := kh * cin
	np := len(s) / kc
	if kh == 3 && cin == 3 { // conv2d_1 of the tutorial model
		x = x[:(np-1)*3+2*row+3]
		for p := 0; p < np; p++ {
			d, a, b, e := s[p*9:p*9+9], x[p*3:p*3+3], x[p*3+row:p*3+row+3], x[p*3+2*row:p*3+2*row+3]
			d[0], d[1], d[2] = a[0], a[1], a[2]
			d[3], d[4], d[5] = b[0], b[1], b[2]
			d[6], d[7], d[8] = e[0], e[1], e[2]
		}
		return
	}
	for p := 0; p < np; p++ {
		d := s[p*kc : p*kc+kc]
		for u := 0; u < kh; u++ {
			copy(d[u*cin:u*cin+cin], x[p*cin+u*row:])
		}
	}
}

// directParts returns how many row ranges each sample's backward pass is
// split into: one when the batch alone keeps the slots busy, more for small
// batches (so that one image keeps every core busy).
func (c *Conv2D) directParts(n int) int {
	s, h := c.slots, c.g.h
	p := 1
	for n*p < 4*s && (n*p)%s != 0 && h/(p+1) >= 2*c.g.kh {
		p++
	}
	return p
}

// flipKernel fills c.kflip with Kf (see the direct path's description).
func (c *Conv2D) flipKernel() {
	g := &c.g
	f, cin := c.filters, g.c
	size := g.kh * g.kw * cin * f
	if len(c.kflip) != size {
		c.kflip = make([]float32, size)
	}
	k := c.kernel.Value
	for u := 0; u < g.kh; u++ {
		for v := 0; v < g.kw; v++ {
			dst := c.kflip[(u*g.kw+g.kw-1-v)*f*cin:]
			src := k[(u*g.kw+v)*cin*f:]
			for ci := 0; ci < cin; ci++ {
				row := src[ci*f : (ci+1)*f]
				for o, val := range row {
					dst[o*cin+ci] = val
				}
			}
		}
	}
}

// backwardDirect processes slot's static share of the (sample, row range)
// items of a direct Backward.
func (c *Conv2D) backwardDirect(_, slot int) {
	g := &c.g
	dk := c.dk[slot]
	clear(dk)
	var db []float32
	if c.bias != nil {
		db = c.db[slot]
		clear(db)
	}
	total := c.x.Batch() * c.parts
	for t := slot * total / c.slots; t < (slot+1)*total/c.slots; t++ {
		n, part := t/c.parts, t%c.parts
		c.backwardRange(slot, n, part*g.h/c.parts, (part+1)*g.h/c.parts, dk, db)
	}
}

// backwardRange computes, for sample n, the input gradient of rows [i0, i1)
// and adds the kernel and bias gradients of output rows [i0, min(i1, oh))
// to dk and db. dZ lives in the slot's buffer, pixel (i, j) at index pad +
// (i-z0)·w + j, with pad = (kh-1)·w + kw-1 zero pixels before the first row
// z0 it holds; it is filled row by row just ahead of the products that read
// it, in blocks of about the engine's block pixels.
func (c *Conv2D) backwardRange(slot, n, i0, i1 int, dk, db []float32) {
	g := &c.g
	f, cin, w := c.filters, g.c, g.w
	kr, kf := g.kw*cin, g.kw*f
	x := c.x.Sample(n)
	var dx []float32
	z0 := i0
	if c.dx != nil {
		dx = c.dx.Sample(n)
		z0 = max(0, i0-g.kh+1)
	}
	k := 1 // rows filled at a time
	if c.yp != nil {
		z0, k = z0&^1, 2 // whole pooling windows
	}
	pad := (g.kh-1)*w + g.kw - 1
	buf := c.dzbuf[slot]
	clear(buf[:pad*f])
	filled := z0 // rows [z0, filled) of dZ are in buf
	step := max(1, c.eng.blockPixels()/w)
	for b0 := i0; b0 < i1; b0 += step {
		b1 := min(b0+step, i1)
		for ; filled < b1; filled += k {
			row := buf[(pad+(filled-z0)*w)*f:]
			if c.yp != nil {
				c.fillPooled(row, slot, n, filled)
			} else {
				c.fillRow(row[:w*f], n, filled)
			}
			for r := filled; r < filled+k; r++ {
				if db != nil && r >= i0 && r < min(i1, g.oh) { // other rows belong to other items
					addRows(db, buf[(pad+(r-z0)*w)*f:][:g.ow*f])
				}
			}
		}
		if r1 := min(b1, g.oh); b0 < r1 && !c.noWeightGrads {
			m := (r1-b0-1)*w + g.ow
			dz := buf[(pad+(b0-z0)*w)*f:]
			for u := 0; u < g.kh; u++ {
				sgemm.GemmOverlap(true, false, kr, f, m, 1, x[(b0+u)*w*cin:], cin, dz, f, 1, dk[u*kr*f:(u+1)*kr*f], f)
			}
		}
		if dx == nil {
			continue
		}
		m := (b1 - b0) * w
		for u := 0; u < g.kh; u++ {
			a := buf[(pad+(b0-u-z0)*w-(g.kw-1))*f:]
			sgemm.GemmOverlap(false, false, m, cin, kf, 1, a, f, c.kflip[u*kf*cin:(u+1)*kf*cin], cin,
				float32(min(u, 1)), dx[b0*w*cin:b1*w*cin], cin)
		}
	}
}

// backwardDirectAll runs a direct Backward for a batch of n: dx (if not
// nil) is checked, the slots' buffers sized, and the items split statically
// over the slots, whose sums are added in slot order.
func (c *Conv2D) backwardDirectAll(n int) {
	g := &c.g
	s := c.slots
	if c.dx != nil {
		checkTensor("Conv2D", "input gradient", c.dx, n, []int{g.h, g.w, g.c})
		c.flipKernel()
	}
	c.parts = c.directParts(n)
	c.dzbuf = scratch(c.dzbuf, s, ((g.kh-1)*g.w+g.kw-1+(g.h+2)*g.w)*c.filters)
	c.dk = scratch(sumInto(c.dk, c.kernel.Grad), s, len(c.kernel.Grad))
	if c.bias != nil {
		c.db = scratch(sumInto(c.db, c.bias.Grad), s, c.filters)
	}
	c.eng.parallelFor(s, c.bwdDirect)
	c.sumSlots()
}

// fillRow writes row r of dZ = dy ⊙ f'(y) into dst (w pixels, junk
// columns zero; all zero for rows below the output).
func (c *Conv2D) fillRow(dst []float32, n, r int) {
	g := &c.g
	if r >= g.oh {
		clear(dst)
		return
	}
	f := c.filters
	o := r * g.ow * f
	real := dst[:g.ow*f]
	c.act.grad(real, c.dy.Sample(n)[o:o+len(real)], c.y.Sample(n)[o:o+len(real)], f)
	clear(dst[len(real):])
}
