package nn

import (
	"fmt"

	"github.com/convscope/convscope/nn/sgemm"
)

// Conv2D is a 2-D convolution layer, as keras.layers.Conv2D with
// data_format="channels_last" and dilation 1:
//
//	y[n, i, j, o] = f(b[o] + Σ_{u,v,c} x[n, i·sh + u - pt, j·sw + v - pl, c] · K[u, v, c, o])
//
// (a cross-correlation, like every deep-learning "convolution"), with the
// kernel K in Keras' layout (kh, kw, cin, cout), the bias b (cout,), the
// activation f, and zero padding pt, pl (rows, columns) before the image. Input (h, w, cin) gives output (oh, ow, filters) with, per
// axis, oh = floor((h - kh)/sh) + 1 for padding "valid" and oh = ceil(h/sh)
// for "same", where TensorFlow pads pad_total = max((oh-1)·sh + kh - h, 0)
// rows, pt = floor(pad_total/2) of them before (likewise for columns).
//
// At inference, 3×3 stride-1 convolutions with enough channels and pixels
// take the Winograd path (winograd.go: F(4×4, 3×3) or F(2×2, 3×3), 4× or
// 2.25× fewer multiplies). Otherwise, stride-1 "valid" convolutions (the
// reference model's) take a direct path
// with nn/sgemm that reads the input in place, without im2col, and, inside a
// Sequential, run fused with a 2×2 max pooling after them (conv2d_direct.go,
// conv2d_pool.go). Convolutions with at most 4 input channels (RGB stems)
// run on their own register-tiled kernel, and strided ones with enough
// input channels on a direct path over the input's rows grouped by residue
// (conv_stem.go, conv_stem_strided.go). Everything else runs as im2col +
// GEMM (Engine.BLAS): for
// a block of output rows, the patches form a P×K matrix (K = kh·kw·cin, in
// (kh, kw, cin) order) which times the kernel, read as K×cout, gives the
// P×cout block of y in NHWC. Either way the bias and activation are applied
// while the block is in cache, and work items are blocks of output rows of
// one sample, so one image keeps every core busy.
type Conv2D struct {
	named
	filters    int
	kernelSize [2]int
	strides    [2]int
	padding    string
	actName    string
	useBias    bool
	groups     int
	dilation   [2]int
	pads       [4]int // explicit padding (top, left, bottom, right), with padding "valid"
	err        error  // invalid options, reported by Build

	act          activation
	eng          Engine
	g            window
	cg, og       int  // input and output channels per group
	depthwise    bool // one input channel per group: conv2d_depthwise.go
	grouped      bool // groups or dilation on the im2col path: im2colG per group
	k            int  // kh·kw·cg
	kernel, bias *Param
	maxRows      int // output rows per work item for large batches
	rows, blocks int // output rows per work item and items per sample, this call
	cb, cw       int // column blocks per item and their width (filters), this call

	cols, dz, dcols [][]float32 // per worker (forward) or slot (backward) scratch
	dk, db          [][]float32 // per slot gradient sums; dk[0], db[0] alias Param.Grad
	dzbuf           [][]float32 // per slot padded dZ of the direct path
	kflip           []float32   // flipped kernel of the direct path's input gradient
	stk             [][]float32 // per worker: stacked input rows of the direct path (small kw·cin)
	kstk            []float32   // kernel in stacked order (conv2d_direct.go)
	slots, phase    int
	parts           int         // row ranges per sample in a direct Backward
	x, y, dx, dy    *Tensor     // arguments of the running call
	xpad, dxpad     *Tensor     // zero-bordered input and its gradient (conv2d_padded.go)
	noWeightGrads   bool        // Backward computes dx only (skipWeightGrads)
	yp              *Tensor     // output of a fused pooling layer (conv2d_pool.go), or nil
	codes           []uint8     // fused pooling: each window's winner, recorded in training
	codesValid      bool        // codes belong to the last Forward
	recording       bool        // this call writes (forward) or reads (backward) codes
	pmax            poolMaxima  // fused pooling: per-channel block maxima (pool_maxima.go)
	gp              [][]float32 // per slot: one pooled row of dyp ⊙ f'(yp)
	dwZero          []float32   // fused 3×3 depthwise kernel: zeros (depthwise3x3.go)
	dwWin           [][]float32 // per worker: a border pixel's 3×3 window (depthwise3x3.go)
	pa              postAct     // a fused activation node (conv2d_postact.go)
	res             resFuse     // a fused residual Add (conv2d_residual.go)
	cat             catOut      // Predict: output into a Concatenate's channels (conv2d_catout.go)

	packs  []*sgemm.Packed // packed kernel for inference (conv2d_packed.go)
	packOK bool            // packs match the kernel's values
	packed bool            // this forward call multiplies with packs
	wino   winograd        // 3×3 inference on the Winograd path (winograd.go)
	split2 splitIm2col     // column blocks sharing one im2col (split_im2col.go)
	stem   stemState       // few input channels or stride 2 (conv_stem.go)
	pw     pwState         // 1×1 at inference (pointwise_conv.go)

	fwd, bwd, clr, fwdDirect, bwdDirect func(worker, i int)
}

// NewConv2D returns a Conv2D layer with the given number of filters and a
// kh×kw kernel (Keras: Conv2D(filters, (kh, kw), ...)). Options:
// WithStrides (default 1, 1), WithPadding (default "valid"), WithActivation
// (default linear), WithUseBias (default true), WithGroups (default 1),
// WithDilation (default 1, 1), WithPads (explicit padding), WithName.
func NewConv2D(filters, kh, kw int, opts ...Option) *Conv2D {
	o, err := applyOptions("Conv2D", options{strides: [2]int{1, 1}, padding: "valid", useBias: true, groups: 1, dilation: [2]int{1, 1}},
		optActivation|optStrides|optPadding|optUseBias|optGroups|optDilation|optPads, opts)
	c := &Conv2D{filters: filters, kernelSize: [2]int{kh, kw}, strides: o.strides, padding: o.padding,
		actName: o.activation, useBias: o.useBias, groups: o.groups, dilation: o.dilation, pads: o.pads, err: err}
	c.name = o.name
	c.act, _ = parseActivation(o.activation)
	return c
}

// Kind returns "Conv2D".
func (c *Conv2D) Kind() string { return "Conv2D" }

// check validates the configuration (everything but the input shape).
func (c *Conv2D) check() error {
	if c.err != nil {
		return c.err
	}
	if c.filters <= 0 {
		return fmt.Errorf("Conv2D: expected filters > 0, received %d", c.filters)
	}
	if err := checkPair("Conv2D", "kernel_size", c.kernelSize); err != nil {
		return err
	}
	if err := checkPair("Conv2D", "strides", c.strides); err != nil {
		return err
	}
	if err := checkPadding("Conv2D", c.padding); err != nil {
		return err
	}
	if err := checkPair("Conv2D", "dilation_rate", c.dilation); err != nil {
		return err
	}
	if err := checkPads("Conv2D", c.padding, c.pads); err != nil {
		return err
	}
	if c.groups <= 0 || c.filters%max(c.groups, 1) != 0 {
		return fmt.Errorf("Conv2D: expected groups > 0 dividing filters (%d), received %d", c.filters, c.groups)
	}
	var err error
	if c.act, err = parseActivation(c.actName); err != nil {
		return fmt.Errorf("Conv2D: %w", err)
	}
	return nil
}

// Build checks the input (h, w, cin), allocates the kernel (kh, kw, cin,
// filters) and bias (filters,) and returns (oh, ow, filters).
func (c *Conv2D) Build(in []int) ([]int, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	if err := c.g.setupFull("Conv2D", "kernel", in, c.kernelSize, c.strides, c.dilation, c.padding, c.pads, false); err != nil {
		return nil, err
	}
	g := &c.g
	if g.c%c.groups != 0 {
		return nil, fmt.Errorf("Conv2D: expected input channels divisible by groups (%d), received %d", c.groups, g.c)
	}
	n := float64(g.kh) * float64(g.kw) * float64(g.c/c.groups) * float64(c.filters)
	if c.useBias {
		n += float64(c.filters)
	}
	if err := checkParams("Conv2D", n); err != nil {
		return nil, err
	}
	c.cg, c.og = g.c/c.groups, c.filters/c.groups
	c.depthwise = c.groups > 1 && c.cg == 1
	c.grouped = !c.depthwise && (c.groups > 1 || g.dh > 1 || g.dw > 1)
	c.k = g.kh * g.kw * c.cg
	c.kernel = newParam("kernel", g.kh, g.kw, c.cg, c.filters)
	c.bias = nil
	if c.useBias {
		c.bias = newParam("bias", c.filters)
	}
	c.setMaxRows()
	c.fwd, c.bwd, c.clr = c.forwardItem, c.backwardSlot, c.clearSample
	c.fwdDirect, c.bwdDirect = c.forwardDirect, c.backwardDirect
	c.cols, c.dz, c.dcols, c.dk, c.db, c.dzbuf, c.kflip = nil, nil, nil, nil, nil, nil, nil
	c.weightsChanged()
	return []int{g.oh, g.ow, c.filters}, nil
}

// setMaxRows sets the output rows per work item: about the engine's block
// pixels (defaultConvBlockPixels), big enough for an efficient GEMM, small
// enough for the patches to stay in cache. At least ceil(kh/sh) rows, so
// that blocks two apart never touch the same input row (Backward relies on
// it).
func (c *Conv2D) setMaxRows() {
	g := &c.g
	c.maxRows = min(g.oh, max(1, c.eng.blockPixels()/g.ow, (c.effKH()+g.sh-1)/g.sh))
}

// setEngine makes the layer compute with e (Sequential.SetEngine).
func (c *Conv2D) setEngine(e Engine) {
	c.eng = e
	if c.g.ow > 0 { // built
		c.setMaxRows()
	}
}

// Params returns the kernel and, with use_bias, the bias.
func (c *Conv2D) Params() []*Param {
	if c.bias == nil {
		return []*Param{c.kernel}
	}
	return []*Param{c.kernel, c.bias}
}

// Init draws a Glorot-uniform kernel and zeroes the bias (Keras defaults).
func (c *Conv2D) Init(rng Rand) {
	g := &c.g
	c.weightsChanged()
	glorotUniform(c.kernel.Value, g.kh*g.kw*c.cg, g.kh*g.kw*c.filters, rng)
	if c.bias != nil {
		clear(c.bias.Value)
	}
}

// Config returns the Keras config (filters, kernel_size, strides, padding,
// activation, use_bias).
func (c *Conv2D) Config() LayerConfig {
	return LayerConfig{ClassName: "Conv2D", Name: c.name, Filters: c.filters, KernelSize: c.kernelSize,
		Strides: c.strides, Padding: c.padding, Activation: c.act.String(), NoBias: !c.useBias,
		Groups: c.groups, DilationRate: c.dilation, Pads: c.pads}.zeroExtensions()
}

// Forward computes y = f(conv(x, K) + b) for the batch.
func (c *Conv2D) Forward(y, x *Tensor, training bool) {
	n := x.Batch()
	checkTensor("Conv2D", "input", x, n, []int{c.g.h, c.g.w, c.g.c})
	checkTensor("Conv2D", "output", y, n, []int{c.g.oh, c.g.ow, c.filters})
	c.split(n, 1)
	c.splitColumns(n)
	if training { // an optimiser step may follow: drop the packed kernels
		c.weightsChanged()
	}
	if m := c.winoTile(training); m > 0 {
		c.forwardWinograd(m, y, nil, x)
		return
	}
	c.packed = c.usePacked(training)
	defer func() { c.packed = false }()
	if c.forwardStem(y, x) { // conv_stem.go: few input channels, or stride 2
		return
	}
	if !training && c.forwardPointwise(y, x) { // pointwise_conv.go: 1×1 at inference
		return
	}
	if c.paddedDirect() {
		c.preparePackedFor(true)
		c.forwardPadded(y, x)
		return
	}
	c.x, c.y = x, y
	c.preparePackedFor(c.direct())
	if c.direct() {
		c.cols = scratch(c.cols, c.eng.workers(), c.rows*c.g.w*c.filters)
		c.prepareStacked()
		c.eng.parallelFor(n*c.blocks*c.cb, c.fwdDirect)
	} else if c.sharedIm2col() {
		c.forwardSharedIm2col(n)
	} else {
		c.cols = scratch(c.cols, c.eng.workers(), c.rows*c.g.ow*c.k)
		c.prepareDepthwise()
		c.eng.parallelFor(n*c.blocks*c.cb, c.fwd)
	}
	c.x, c.y = nil, nil
}

// split sets the output rows per work item for a batch of n: maxRows
// (about the engine's block pixels), unless that gives fewer than four items per
// worker that do not divide evenly among the workers; then images are cut
// into more, equal blocks (of at least minRows rows) so that, for example,
// one image keeps every core busy.
func (c *Conv2D) split(n, minRows int) {
	w, oh := c.eng.workers(), c.g.oh
	b := (oh + c.maxRows - 1) / c.maxRows
	for n*b < 4*w && (n*b)%w != 0 && (oh+b)/(b+1) >= minRows && b < oh {
		b++
	}
	c.rows = (oh + b - 1) / b
	c.blocks = (oh + c.rows - 1) / c.rows
	c.cb, c.cw = 1, c.filters
}

// Backward computes, with dz = dy ⊙ f'(y) (see activation.grad):
//
//	dK = Σ_blocks colsᵀ · dz,  db = Σ_pixels dz,  dx = col2im(dz · Kᵀ).
//
// Blocks are split statically over the engine's workers (slots), each with its own gradient
// sums added in slot order at the end, so results do not depend on
// scheduling. Blocks of one sample that share input rows never run at the
// same time: even blocks run first, then odd ones.
func (c *Conv2D) Backward(dx, dy, x, y *Tensor) {
	n := x.Batch()
	checkTensor("Conv2D", "input", x, n, []int{c.g.h, c.g.w, c.g.c})
	checkTensor("Conv2D", "output", y, n, []int{c.g.oh, c.g.ow, c.filters})
	checkTensor("Conv2D", "output gradient", dy, n, []int{c.g.oh, c.g.ow, c.filters})
	c.slots, c.x, c.y, c.dx, c.dy = c.eng.workers(), x, y, dx, dy
	if !c.noWeightGrads { // an optimiser step may follow
		c.weightsChanged()
	}
	if c.paddedDirect() {
		c.backwardPadded(dx, x)
		return
	}
	if c.direct() {
		c.backwardDirectAll(n)
		return
	}
	c.split(n, (c.effKH()+c.g.sh-1)/c.g.sh)
	s, p := c.slots, c.maxRows*c.g.ow
	if dx != nil {
		checkTensor("Conv2D", "input gradient", dx, n, []int{c.g.h, c.g.w, c.g.c})
		c.eng.parallelFor(n, c.clr) // col2im adds into dx
		c.dcols = scratch(c.dcols, s, p*c.k)
	}
	c.cols = scratch(c.cols, s, p*c.k)
	if c.act != actLinear {
		c.dz = scratch(c.dz, s, p*c.filters)
	}
	c.dk = scratch(sumInto(c.dk, c.kernel.Grad), s, len(c.kernel.Grad))
	if c.bias != nil {
		c.db = scratch(sumInto(c.db, c.bias.Grad), s, c.filters)
	}
	c.phase = -1 // all blocks at once
	if dx != nil && c.blocks > 1 {
		c.phase = 0
		c.eng.parallelFor(s, c.bwd)
		c.phase = 1
	}
	c.eng.parallelFor(s, c.bwd)
	c.sumSlots()
}

// sumSlots adds the per-slot gradient sums into slot 0 (the parameters'
// gradients), in slot order, and drops the call's arguments.
func (c *Conv2D) sumSlots() {
	for i := 1; i < c.slots; i++ {
		addTo(c.kernel.Grad, c.dk[i])
		if c.bias != nil {
			addTo(c.bias.Grad, c.db[i])
		}
	}
	c.x, c.y, c.dx, c.dy, c.yp = nil, nil, nil, nil, nil
}
