package nn

import (
	"bytes"
	"unsafe"

	"github.com/convscope/convscope/nn/sgemm"
)

// Winograd's minimal filtering for 3×3 stride-1 convolutions at inference,
// F(m×m, 3×3) with m = 2 or 4 (Lavin & Gray, "Fast Algorithms for
// Convolutional Neural Networks", CVPR 2016, arXiv:1509.09308). Each m×m
// tile Y of the output is computed from the α×α tile d of the input under
// it (α = m + 2; zero outside the image, so any padding is free) and each
// 3×3 filter g as
//
//	Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
//
// with, for F(2×2, 3×3),
//
//	     ⎡1  0 -1  0⎤        ⎡ 1    0    0 ⎤
//	Bᵀ = ⎢0  1  1  0⎥    G = ⎢1/2  1/2  1/2⎥    Aᵀ = ⎡1  1  1  0⎤
//	     ⎢0 -1  1  0⎥        ⎢1/2 -1/2  1/2⎥         ⎣0  1 -1 -1⎦
//	     ⎣0  1  0 -1⎦        ⎣ 0    0    1 ⎦
//
// and, for F(4×4, 3×3) (interpolation points 0, ±1, ±2 and ∞),
//
//	     ⎡4  0 -5  0  1  0⎤        ⎡ 1/4     0     0  ⎤
//	     ⎢0 -4 -4  1  1  0⎥        ⎢-1/6  -1/6  -1/6  ⎥         ⎡1  1  1  1  1  0⎤
//	Bᵀ = ⎢0  4 -4 -1  1  0⎥    G = ⎢-1/6   1/6  -1/6  ⎥    Aᵀ = ⎢0  1 -1  2 -2  0⎥
//	     ⎢0 -2 -1  2  1  0⎥        ⎢1/24  1/12   1/6  ⎥         ⎢0  1  1  4  4  0⎥
//	     ⎢0  2 -1 -2  1  0⎥        ⎢1/24 -1/12   1/6  ⎥         ⎣0  1 -1  8 -8  1⎦
//	     ⎣0  4  0 -5  0  1⎦        ⎣  0     0     1   ⎦
//
// Summed over input channels, the element-wise product becomes, for each of
// the α² positions ξ of the transformed tile, a matrix product
//
//	M_ξ[t, o] = Σ_c V_ξ[t, c] · U_ξ[c, o],   V = Bᵀ d B,  U = G g Gᵀ
//
// over the tiles t of a block, which runs through nn/sgemm's packed
// micro-kernel (GemmPacked on the α² transformed kernels U_ξ, packed once).
// Per output pixel and channel pair that is α²/m² multiplies instead of 9:
// 4 for F(2×2) (2.25× fewer), 2.25 for F(4×4) (4× fewer). The input
// transform and the output transform with the bias and the activation
// (ReLU, ReLU6 or linear) fused run on 8 channels at a time
// (winograd_amd64.s). A work item is a band of tile rows of one sample (and,
// for small maps, a block of output channels), transformed, multiplied and
// transformed back while it is in the core's cache; a fused 2×2 max pooling
// (Sequential's conv + pool) pools the band's rows right after.
//
// The transformed kernels are kept between calls. With Engine.PackWeights
// they are trusted until weightsChanged (as the packed kernels of
// conv2d_packed.go); without it, the layer also keeps a copy of the kernel
// they were made from and compares it on every call (memcmp), so writing
// Param.Value directly can never leave stale ones; that copy bounds this
// case to kernels of up to winoSnapMax values.
//
// Rounding: F(2×2)'s transforms use only ±1 and ½ and lose nothing
// measurable against the direct product; F(4×4)'s larger coefficients lose
// some (winograd_test.go measures both against a float64 convolution and
// bounds them), which is why F(2×2) is the default (see winoF4MinTiles).
// Training passes and Backward keep the direct path.

// winoMaxPos is the most positions ξ of a transformed tile (F(4×4): 36).
const winoMaxPos = 36

// winoSnapMax bounds the kernels (values) that take the Winograd path without
// Engine.PackWeights, where a copy of the kernel is compared on every call.
const winoSnapMax = 1 << 20

// winoMinTiles is the fewest F(2×2) tiles per sample that take the Winograd
// path. Its transformed kernels are 16/9 the size of the kernel, and with
// few tiles a convolution is bound by reading them from memory, not by its
// multiplies: inside ResNet-18 at batch 1 (one core, loaded machine), the
// 14×14 layers (49 tiles) took 2.7 ms instead of 2.2 and the 7×7 ones (16
// tiles) 6–7 ms instead of 3.3, while the 28×28 ones (196 tiles) took 1.3
// instead of 1.9.
var winoMinTiles = 64

// winoF4MinTiles is the fewest F(4×4) tiles per sample, and winoF4MaxU the
// largest transformed kernel (values, 36·cin·cout), that take F(4×4)
// rather than F(2×2) when the engine allows it (engineOptions.winogradF4,
// off by default): its kernels are 4× the size of the kernel, and its
// products have α² = 36 small blocks. It is off by default because of its
// rounding: outputs within 6e-6 of a float64 convolution's scale (F(2×2):
// 4e-7, as the direct path), but enough to move ReLU and max-pooling
// decisions at near-ties, so that explanations' gradients (Integrated
// Gradients on the tutorial model, internal/explain) leave their 1e-4
// PyTorch tolerance (6.3e-4), where F(2×2)'s stay within it. Measured alone (one core, batch 1,
// loaded machine, ms per image, F(4×4) / F(2×2) / direct): 56×56, 64→64
// 0.62–0.70 / 0.86–0.96 / 1.65; the tutorial's 72×72, 32→64 0.77 / 0.81 /
// 1.46 and 34×34, 64→128 0.59 / 0.69 / 1.19; but 28×28, 128→128 0.88 /
// 0.92 (its 2.4 MB of kernels leave the L2 cache inside a network) and
// 15×15, 128→128 0.40 / 0.37.
var (
	winoF4MinTiles = 64
	winoF4MaxU     = 36 * 64 * 128
)

// winoBlockBytes is about the bytes of transformed inputs and products one
// work item keeps (V and M), a share of a core's L2 cache.
const winoBlockBytes = 768 << 10

// winograd is a Conv2D's Winograd state.
type winograd struct {
	tile     int             // m of this call's F(m×m, 3×3), 0 when not taken
	packs    []*sgemm.Packed // U_ξ (cin × cout), ξ = 0..α²-1
	packTile int             // m the packs are for
	ok       bool            // packs match the kernel
	snap     []float32       // kernel values packs were made from (no PackWeights)
	u        []float32       // the U_ξ before packing
	v, m     [][]float32     // per worker: V_ξ and M_ξ of a block, ξ-major
	edge     [][]float32     // per worker: one border tile (α²·max(cin, cout) values)
	tmp      [][]float32     // per worker: the transforms' 8-channel scratch
	zero     []float32       // the bias when the layer has none
	th, tw   int             // tiles per sample (rows, columns)
	band     int             // tile rows per work item
	blocks   int             // bands per sample
	cb, cw   int             // column blocks per item and their width
	fn       func(worker, i int)
}

// winoTile returns m of the F(m×m, 3×3) this inference call takes, or 0
// for none: a 3×3 stride-1 undilated ungrouped convolution on nn/sgemm
// with a ReLU, ReLU6 or linear activation, enough channels and tiles for
// the products to pay (winoMinTiles), and its transformed kernels cacheable
// (winoSnapMax). F(2×2); F(4×4) only with the engine's winogradF4 knob, for
// large maps with small enough kernels (see winoF4MinTiles).
func (c *Conv2D) winoTile(training bool) int {
	g := &c.g
	if training || c.eng.opts.winogradOff || !c.eng.sgemm() || g.kh != 3 || g.kw != 3 || g.sh != 1 || g.sw != 1 ||
		g.dh != 1 || g.dw != 1 || c.groups != 1 || g.c < 16 || c.filters < 16 {
		return 0
	}
	if c.act != actLinear && c.act != actReLU && c.act != actReLU6 {
		return 0
	}
	if tiles := ((g.oh + 1) / 2) * ((g.ow + 1) / 2); tiles < winoMinTiles && !winoFewTilesOK(tiles, len(c.kernel.Value)) || !c.eng.PackWeights && len(c.kernel.Value) > winoSnapMax {
		return 0
	}
	if c.eng.opts.winogradF4 && ((g.oh+3)/4)*((g.ow+3)/4) >= winoF4MinTiles && 4*len(c.kernel.Value) <= winoF4MaxU {
		return 4
	}
	return 2
}

// winogradOK reports whether this inference call takes the Winograd path.
func (c *Conv2D) winogradOK(training bool) bool { return c.winoTile(training) > 0 }

// prepareWinograd makes the packed U_ξ match the kernel, for F(m×m).
func (c *Conv2D) prepareWinograd(m int) {
	wg := &c.wino
	k := c.kernel.Value
	same := wg.ok && wg.packTile == m
	if !c.eng.PackWeights {
		if same && len(wg.snap) == len(k) && bytes.Equal(floatBytes(wg.snap), floatBytes(k)) {
			return
		}
		wg.snap = append(wg.snap[:0], k...)
	} else if same {
		return
	}
	cin, f := c.g.c, c.filters
	pos := (m + 2) * (m + 2)
	if len(wg.u) < pos*cin*f {
		wg.u = make([]float32, pos*cin*f)
	}
	if m == 4 {
		winoFilter4(wg.u, k, cin*f)
	} else {
		winoFilter2(wg.u, k, cin*f)
	}
	if len(wg.packs) < pos {
		wg.packs = append(wg.packs, make([]*sgemm.Packed, pos-len(wg.packs))...)
	}
	for xi := 0; xi < pos; xi++ {
		wg.packs[xi] = sgemm.PackInto(wg.packs[xi], cin, f, wg.u[xi*cin*f:], f)
	}
	wg.ok, wg.packTile = true, m
}

// floatBytes views v's memory as bytes (for a memcmp).
func floatBytes(v []float32) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v))
}

// splitWinograd sets the tile grid, the bands (tile rows per work item) and
// the column blocks for a batch of n: bands of equal size, as large as
// winoBlockBytes allows, then more of them until they divide evenly among
// the workers (or there are four per worker), then, if there are still
// fewer than two per worker, column blocks (multiples of the
// micro-kernel's panel width). A fused pooling needs every channel of a band: no column
// blocks then.
func (c *Conv2D) splitWinograd(n int, pooled bool) {
	wg, g := &c.wino, &c.g
	m := wg.tile
	pos := (m + 2) * (m + 2)
	wg.th, wg.tw = (g.oh+m-1)/m, (g.ow+m-1)/m
	band := max(1, min(wg.th, winoBlockBytes/(4*pos*wg.tw*(g.c+c.filters))))
	w, b := c.eng.workers(), (wg.th+band-1)/band
	for b < wg.th && n*b < 4*w && (n*b)%w != 0 { // items the workers share evenly
		b++
	}
	wg.band = (wg.th + b - 1) / b // bands of equal size
	wg.blocks = (wg.th + wg.band - 1) / wg.band
	nr := sgemm.PanelWidth()
	wg.cb, wg.cw = 1, c.filters
	if items := n * wg.blocks; items < 2*w && c.filters >= 4*nr && !pooled {
		per := (2*w + items - 1) / items
		wg.cw = max(2*nr, (c.filters+per-1)/per+nr-1) / nr * nr
		wg.cb = (c.filters + wg.cw - 1) / wg.cw
	}
}

// forwardWinograd computes y = f(conv(x, K) + b) on the Winograd path with
// F(m×m, 3×3) and, when yp is not nil, yp = the 2×2 max pooling of y (fused
// forward).
func (c *Conv2D) forwardWinograd(m int, y, yp, x *Tensor) {
	n := x.Batch()
	wg := &c.wino
	c.prepareWinograd(m)
	wg.tile = m
	c.splitWinograd(n, yp != nil)
	w := c.eng.workers()
	pos := (m + 2) * (m + 2)
	tiles := wg.band * wg.tw
	wg.v = scratch(wg.v, w, pos*tiles*c.g.c)
	wg.m = scratch(wg.m, w, pos*tiles*wg.cw)
	wg.edge = scratch(wg.edge, w, pos*max(c.g.c, c.filters))
	wg.tmp = scratch(wg.tmp, w, winoMaxPos*8)
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
// of output channels: input transform, α² products, output transform.
func (c *Conv2D) winogradItem(worker, item int) {
	n, t0, t1 := c.winogradBand(worker, item, c.y, 0, c.filters)
	if c.yp != nil {
		c.poolRows(n, c.wino.tile*t0, min(c.wino.tile*t1, c.g.oh))
	}
}

// winogradBand is the work of item (winogradItem): it writes the band's
// output pixels ld values apart from channel off of y's sample (off 0, ld
// = filters for the layer's own output; a Concatenate's slice for
// winogradItemCat) and returns the sample and the band's tile rows
// [t0, t1).
func (c *Conv2D) winogradBand(worker, item int, yt *Tensor, off, ld int) (n, t0, t1 int) {
	wg, g := &c.wino, &c.g
	tr := winoTransforms(wg.tile)
	cin, f := g.c, c.filters
	blk, j0 := item/wg.cb, item%wg.cb*wg.cw
	j1 := min(j0+wg.cw, f)
	n, t0 = blk/wg.blocks, blk%wg.blocks*wg.band
	t1 = min(t0+wg.band, wg.th)
	tiles := (t1 - t0) * wg.tw
	v, m, edge, tmp := wg.v[worker], wg.m[worker], wg.edge[worker], wg.tmp[worker]
	x := c.x.Sample(n)
	for ti := t0; ti < t1; ti++ {
		tr.inputRow(v[(ti-t0)*wg.tw*cin:], tiles*cin, x, g, ti, wg.tw, edge, tmp)
	}
	cw := j1 - j0
	for xi := 0; xi < tr.pos; xi++ {
		sgemm.GemmPacked(tiles, j0, j1, 1, v[xi*tiles*cin:], cin, wg.packs[xi], 0, m[xi*tiles*cw:], cw)
	}
	b := wg.zero
	if c.bias != nil {
		b = c.bias.Value
	}
	b = b[j0:j1]
	y := yt.Sample(n)[off:]
	for ti := t0; ti < t1; ti++ {
		tr.outputRow(y[j0:], m[(ti-t0)*wg.tw*cw:], tiles*cw, b, c.act, g, ld, cw, ti, wg.tw, edge, tmp)
	}
	return n, t0, t1
}
