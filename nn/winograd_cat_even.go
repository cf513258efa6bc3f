package nn

import "github.com/convscope/convscope/nn/sgemm"

// SqueezeNet's 13×13 3×3 expands on two workers, split evenly. Their 7
// rows of F(2×2) tiles are cut by splitWinograd into bands of 4 and 3
// tile rows (each in two column blocks), so with the two-ended hand-out
// the caller computes 4/7 of the layer and the helper waits for it. When
// such a convolution writes into its Concatenate (conv2d_catout.go), its
// items are taken over here: the first and the last item each compute
// every tile row for half of the filters (the input transform done by
// both, ≈ 2 % of an item), the others nothing, so each worker's first
// item is its half. The products are the same (whole rows of the packed
// kernel, each output the same sum in the same order), so the outputs are
// bit for bit the banded path's (TestPredictConcatInto's 13×13 module).

// catEven enables the even split (tests and benchmarks turn it off to
// compare).
var catEven = true

// catEvenMaxTiles bounds the tiles (and so the scratch) of the even split.
const catEvenMaxTiles = 64

// prepareCatEven sizes the even split's scratch when this call may take
// it: one image, two workers, a 3×3 kernel, at most catEvenMaxTiles
// F(2×2) tiles.
func (c *Conv2D) prepareCatEven(x *Tensor) {
	g, co := &c.g, &c.cat
	th, tw := (g.oh+1)/2, (g.ow+1)/2
	if x.Batch() != 1 || c.eng.workers() != 2 || g.kh != 3 || g.kw != 3 || th*tw > catEvenMaxTiles {
		return
	}
	co.ev = scratch(co.ev, 2, 16*th*tw*g.c)
	co.em = scratch(co.em, 2, 16*th*tw*c.filters)
}

// catEven reports whether this Winograd call's items take the even split.
func (c *Conv2D) catEven() bool {
	wg, co := &c.wino, &c.cat
	return wg.tile == 2 && c.x.Batch() == 1 && c.eng.workers() == 2 && wg.blocks == 2 && wg.th%2 == 1 &&
		wg.th*wg.tw <= catEvenMaxTiles && len(co.ev) == 2 && len(co.ev[0]) >= 16*wg.th*wg.tw*c.g.c
}

// winogradItemCatEven computes item item of the even split: the first
// item the first half of the filters (a multiple of the micro-kernel's
// panel width), the last the rest.
func (c *Conv2D) winogradItemCatEven(worker, item int) {
	wg, g, co := &c.wino, &c.g, &c.cat
	f := c.filters
	half := (f/2 + sgemm.PanelWidth() - 1) / sgemm.PanelWidth() * sgemm.PanelWidth()
	var j0, j1 int
	switch item {
	case 0:
		j0, j1 = 0, half
	case wg.blocks*wg.cb - 1:
		j0, j1 = half, f
	default:
		return
	}
	tr := winoTransforms(2)
	cin := g.c
	tiles := wg.th * wg.tw
	v, m, edge, tmp := co.ev[worker], co.em[worker], wg.edge[worker], wg.tmp[worker]
	x := c.x.Sample(0)
	for ti := 0; ti < wg.th; ti++ {
		tr.inputRow(v[ti*wg.tw*cin:], tiles*cin, x, g, ti, wg.tw, edge, tmp)
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
	y := co.y.Sample(0)[co.off:]
	for ti := 0; ti < wg.th; ti++ {
		tr.outputRow(y[j0:], m[ti*wg.tw*cw:], tiles*cw, b, c.act, g, co.ld, cw, ti, wg.tw, edge, tmp)
	}
	co.catDone()
}
