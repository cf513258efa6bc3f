package nn

import "sync/atomic"

// PoolMaxBlock is the number of pooled positions of one output row whose
// per-channel maximum PoolMaxima records.
const PoolMaxBlock = 16

// poolMaxima are the per-channel maxima of a fused pooling's output, by
// block of PoolMaxBlock positions of a row, computed in inference
// forward passes while the pooled rows are in cache (poolRows), for
// per-channel statistics (the exemplars' top 9) without a second pass
// over the map.
type poolMaxima struct {
	on    bool
	buf   []float32 // (n, ph, blocks per row, filters)
	rows  atomic.Int64
	valid bool
	out   *Tensor // the pooled output they describe
}

// SetPoolMaxima turns on (or off) the per-channel block maxima of every
// 2×2 max pooling that runs fused with the convolution before it, in
// inference forward passes (training=false); PoolMaxima reads them.
func (m *Sequential) SetPoolMaxima(on bool) {
	for _, n := range m.g.order {
		if c, ok := n.fuser.(*Conv2D); ok && n.fusedPool != nil {
			c.pmax.on = on
			c.pmax.valid = false
		}
	}
}

// PoolMaxima returns, for the pooling layer i of the last Forward, the
// per-channel maxima of its output by row and block of PoolMaxBlock
// positions, laid out (n, rows, blocks, channels) with blocks =
// ⌈cols/PoolMaxBlock⌉, when SetPoolMaxima is on and that Forward computed
// them (an inference pass with the pooling fused; ok false otherwise).
// The slice belongs to the model, like Outputs.
func (m *Sequential) PoolMaxima(i int) (maxima []float32, blocks int, ok bool) {
	if i < 1 || i >= len(m.g.order) {
		return nil, 0, false
	}
	n := m.g.order[i-1]
	c, isConv := n.fuser.(*Conv2D)
	if !isConv || n.fusedPool == nil || n.fusedPool != m.g.order[i] || !c.pmax.valid || c.pmax.out != n.fusedPool.out {
		return nil, 0, false
	}
	return c.pmax.buf, (c.g.ow/2 + PoolMaxBlock - 1) / PoolMaxBlock, true
}

// startMaxima prepares the block maxima for a fused forward of n samples
// into yp; it reports whether poolRows computes them.
func (c *Conv2D) startMaxima(n int, yp *Tensor, training bool) bool {
	p := &c.pmax
	p.valid, p.out = false, nil
	if !p.on || training {
		return false
	}
	ph, nb := c.g.oh/2, (c.g.ow/2+PoolMaxBlock-1)/PoolMaxBlock
	if size := n * ph * nb * c.filters; len(p.buf) < size {
		p.buf = make([]float32, size)
	}
	p.rows.Store(0)
	p.out = yp
	return true
}

// endMaxima marks the maxima valid when every pooled row was covered.
func (c *Conv2D) endMaxima(n int) {
	p := &c.pmax
	p.valid = p.out != nil && p.rows.Load() == int64(n*(c.g.oh/2))
}

// blockMaxima records the block maxima of pooled row pr of sample n, out
// (pw positions of f channels), just written by poolRows.
func (c *Conv2D) blockMaxima(n, pr int, out []float32) {
	f, pw := c.filters, c.g.ow/2
	nb := (pw + PoolMaxBlock - 1) / PoolMaxBlock
	base := ((n*(c.g.oh/2) + pr) * nb) * f
	for b := range nb {
		dst := c.pmax.buf[base+b*f : base+(b+1)*f]
		first, last := b*PoolMaxBlock, min((b+1)*PoolMaxBlock, pw)
		copy(dst, out[first*f:(first+1)*f])
		MaxRowsInto(dst, out[(first+1)*f:last*f])
	}
	c.pmax.rows.Add(1)
}
