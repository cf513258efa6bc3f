package nn

import (
	"bytes"
	"unsafe"

	"github.com/convscope/convscope/nn/sgemm"
)

// Winograd's minimal filtering for 3×3 stride-1 convolutions at inference,
// F(2×2, 3×3) (Lavin & Gray, "Fast Algorithms for Convolutional Neural
// Networks", CVPR 2016, arXiv:1509.09308). Each 2×2 tile Y of the output is
// computed from the 4×4 tile d of the input under it (zero outside the image,
// so any padding is free) and each 3×3 filter g as
//
//	Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
//
// with
//
//	     ⎡1  0 -1  0⎤        ⎡ 1    0    0 ⎤
//	Bᵀ = ⎢0  1  1  0⎥    G = ⎢1/2  1/2  1/2⎥    Aᵀ = ⎡1  1  1  0⎤
//	     ⎢0 -1  1  0⎥        ⎢1/2 -1/2  1/2⎥         ⎣0  1 -1 -1⎦
//	     ⎣0  1  0 -1⎦        ⎣ 0    0    1 ⎦
//
// Summed over input channels, the element-wise product becomes, for each of
// the 16 positions ξ of the 4×4 transformed tile, a matrix product
//
//	M_ξ[t, o] = Σ_c V_ξ[t, c] · U_ξ[c, o],   V = Bᵀ d B,  U = G g Gᵀ
//
// over the tiles t of a block, which runs through nn/sgemm's packed
// micro-kernel (GemmPacked on the 16 transformed kernels U_ξ, packed once).
// That is 16 multiplies per 2×2 outputs and channel pair instead of 36:
// 2.25× fewer. The input transform (additions only) and the output
// transform with the bias and the activation (ReLU, ReLU6 or linear) fused
// run on 8 channels at a time (winograd_amd64.s). A work item is a band of
// tile rows of one sample (and, for small maps, a block of output
// channels), transformed, multiplied and transformed back while it is in
// the core's cache; a fused 2×2 max pooling (Sequential's conv + pool) pools
// the band's rows right after.
//
// The transformed kernels are kept between calls. With Engine.PackWeights
// they are trusted until weightsChanged (as the packed kernels of
// conv2d_packed.go); without it, the layer also keeps a copy of the kernel
// they were made from and compares it on every call (memcmp), so writing
// Param.Value directly can never leave stale ones; that copy bounds this
// case to kernels of up to winoSnapMax values.
//
// Rounding: the transforms use only ±1 and ½, so F(2×2, 3×3) loses little
// precision against the direct product (winograd_test.go measures it).
// Training passes and Backward keep the direct path.

// winoAlpha is the transformed tile's side (m + r - 1 = 2 + 3 - 1) and
// winoTiles the number of its positions ξ.
const (
	winoAlpha = 4
	winoPos   = winoAlpha * winoAlpha
)

// winoSnapMax bounds the kernels (values) that take the Winograd path without
// Engine.PackWeights, where a copy of the kernel is compared on every call.
const winoSnapMax = 1 << 20

// winoMinTiles is the fewest tiles per sample that take the Winograd path.
// Its transformed kernels are 16/9 the size of the kernel, and with few
// tiles a convolution is bound by reading them from memory, not by its
// multiplies: inside ResNet-18 at batch 1 (one core, loaded machine), the
// 14×14 layers (49 tiles) took 2.7 ms instead of 2.2 and the 7×7 ones (16
// tiles) 6–7 ms instead of 3.3, while the 28×28 ones (196 tiles) took 1.3
// instead of 1.9.
var winoMinTiles = 64

// winoBlockBytes is about the bytes of transformed inputs and products one
// work item keeps (V and M), a share of a core's L2 cache.
const winoBlockBytes = 768 << 10

// winograd is a Conv2D's Winograd state.
type winograd struct {
	packs  []*sgemm.Packed // U_ξ (cin × cout), ξ = 0..15
	ok     bool            // packs match the kernel
	snap   []float32       // kernel values packs were made from (no PackWeights)
	u      []float32       // one U_ξ before packing
	v, m   [][]float32     // per worker: V_ξ and M_ξ of a block, ξ-major
	edge   [][]float32     // per worker: one border tile (16·max(cin, cout) values)
	zero   []float32       // the bias when the layer has none
	th, tw int             // tiles per sample (rows, columns)
	band   int             // tile rows per work item
	blocks int             // bands per sample
	cb, cw int             // column blocks per item and their width
	fn     func(worker, i int)
}

// winogradOK reports whether this inference call takes the Winograd path: a
// 3×3 stride-1 undilated ungrouped convolution on nn/sgemm with a ReLU,
// ReLU6 or linear activation, enough channels for the products to pay, and
// its transformed kernels cacheable (see winoSnapMax).
func (c *Conv2D) winogradOK(training bool) bool {
	g := &c.g
	if training || c.eng.opts.winogradOff || !c.eng.sgemm() || g.kh != 3 || g.kw != 3 || g.sh != 1 || g.sw != 1 ||
		g.dh != 1 || g.dw != 1 || c.groups != 1 || g.c < 16 || c.filters < 16 {
		return false
	}
	if c.act != actLinear && c.act != actReLU && c.act != actReLU6 {
		return false
	}
	if n := ((g.oh + 1) / 2) * ((g.ow + 1) / 2); n < winoMinTiles {
		return false
	}
	return c.eng.PackWeights || len(c.kernel.Value) <= winoSnapMax
}

// prepareWinograd makes the packed U_ξ match the kernel.
func (c *Conv2D) prepareWinograd() {
	wg := &c.wino
	k := c.kernel.Value
	if !c.eng.PackWeights {
		if wg.ok && len(wg.snap) == len(k) && bytes.Equal(floatBytes(wg.snap), floatBytes(k)) {
			return
		}
		wg.snap = append(wg.snap[:0], k...)
	} else if wg.ok && len(wg.packs) == winoPos {
		return
	}
	cin, f := c.g.c, c.filters
	if len(wg.u) < winoPos*cin*f {
		wg.u = make([]float32, winoPos*cin*f)
	}
	winoFilter(wg.u, k, cin*f)
	if len(wg.packs) != winoPos {
		wg.packs = make([]*sgemm.Packed, winoPos)
	}
	for xi := range wg.packs {
		wg.packs[xi] = sgemm.PackInto(wg.packs[xi], cin, f, wg.u[xi*cin*f:], f)
	}
	wg.ok = true
}

// floatBytes views v's memory as bytes (for a memcmp).
func floatBytes(v []float32) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v))
}

// winoFilter writes U = G g Gᵀ: u[ξ·n + p] for the n = cin·cout filters g_p
// of k (Keras layout (3, 3, cin, cout): g_p[i][j] = k[(3i + j)·n + p]).
func winoFilter(u, k []float32, n int) {
	for p := 0; p < n; p++ {
		var g [3][3]float32
		var r [4][3]float32 // G g
		for i := 0; i < 3; i++ {
			for j := 0; j < 3; j++ {
				g[i][j] = k[(3*i+j)*n+p]
			}
		}
		for j := 0; j < 3; j++ {
			r[0][j] = g[0][j]
			r[1][j] = (g[0][j] + g[1][j] + g[2][j]) / 2
			r[2][j] = (g[0][j] - g[1][j] + g[2][j]) / 2
			r[3][j] = g[2][j]
		}
		for i := 0; i < 4; i++ {
			u[(4*i+0)*n+p] = r[i][0]
			u[(4*i+1)*n+p] = (r[i][0] + r[i][1] + r[i][2]) / 2
			u[(4*i+2)*n+p] = (r[i][0] - r[i][1] + r[i][2]) / 2
			u[(4*i+3)*n+p] = r[i][2]
		}
	}
}

// splitWinograd sets the tile grid, the bands (tile rows per work item) and
// the column blocks for a batch of n: bands as large as winoBlockBytes
// allows, then smaller ones, then column blocks (multiples of the
// micro-kernel's panel width), until there are enough items to keep every
// worker busy.
func (c *Conv2D) splitWinograd(n int, pooled bool) {
	wg, g := &c.wino, &c.g
	wg.th, wg.tw = (g.oh+1)/2, (g.ow+1)/2
	wg.band = max(1, min(wg.th, winoBlockBytes/(4*winoPos*wg.tw*(g.c+c.filters))))
	w := c.eng.workers()
	for wg.band > 1 && n*((wg.th+wg.band-1)/wg.band) < 2*w {
		wg.band = (wg.band + 1) / 2
	}
	wg.blocks = (wg.th + wg.band - 1) / wg.band
	nr := sgemm.PanelWidth()
	wg.cb, wg.cw = 1, c.filters
	if items := n * wg.blocks; items < 2*w && c.filters >= 4*nr && !pooled { // pooling needs every channel
		per := (2*w + items - 1) / items
		wg.cw = max(2*nr, (c.filters+per-1)/per+nr-1) / nr * nr
		wg.cb = (c.filters + wg.cw - 1) / wg.cw
	}
}

// forwardWinograd computes y = f(conv(x, K) + b) on the Winograd path and,
// when yp is not nil, yp = the 2×2 max pooling of y (fused forward).
func (c *Conv2D) forwardWinograd(y, yp, x *Tensor) {
	n := x.Batch()
	wg := &c.wino
	c.prepareWinograd()
	c.splitWinograd(n, yp != nil)
	w := c.eng.workers()
	tiles := wg.band * wg.tw
	wg.v = scratch(wg.v, w, winoPos*tiles*c.g.c)
	wg.m = scratch(wg.m, w, winoPos*tiles*wg.cw)
	wg.edge = scratch(wg.edge, w, winoPos*max(c.g.c, c.filters))
	if c.bias == nil && len(wg.zero) != c.filters {
		wg.zero = make([]float32, c.filters)
	}
	if wg.fn == nil {
		wg.fn = c.winogradItem
	}
	c.x, c.y, c.yp = x, y, yp
	c.eng.parallelFor(n*wg.blocks*wg.cb, wg.fn)
	c.x, c.y, c.yp = nil, nil, nil
}

// winogradItem computes one band of tile rows of one sample, for one block
// of output channels: input transform, 16 products, output transform.
func (c *Conv2D) winogradItem(worker, item int) {
	wg, g := &c.wino, &c.g
	cin, f := g.c, c.filters
	blk, j0 := item/wg.cb, item%wg.cb*wg.cw
	j1 := min(j0+wg.cw, f)
	n, t0 := blk/wg.blocks, blk%wg.blocks*wg.band
	t1 := min(t0+wg.band, wg.th)
	tiles := (t1 - t0) * wg.tw
	v, m, edge := wg.v[worker], wg.m[worker], wg.edge[worker]
	x := c.x.Sample(n)
	for ti := t0; ti < t1; ti++ {
		winoInputRow(v[(ti-t0)*wg.tw*cin:], tiles*cin, x, g, ti, wg.tw, edge)
	}
	cw := j1 - j0
	for xi := 0; xi < winoPos; xi++ {
		sgemm.GemmPacked(tiles, j0, j1, 1, v[xi*tiles*cin:], cin, wg.packs[xi], 0, m[xi*tiles*cw:], cw)
	}
	b := wg.zero
	if c.bias != nil {
		b = c.bias.Value
	}
	b = b[j0:j1]
	y := c.y.Sample(n)
	for ti := t0; ti < t1; ti++ {
		winoOutputRow(y[j0:], m[(ti-t0)*wg.tw*cw:], tiles*cw, b, c.act, g, f, cw, ti, wg.tw, edge)
	}
	if c.yp != nil {
		c.poolRows(n, 2*t0, min(2*t1, g.oh))
	}
}
