package nn

import "fmt"

// MaxPooling2D takes the maximum of each window, as
// keras.layers.MaxPooling2D with data_format="channels_last":
//
//	y[n, i, j, c] = max_{u<ph, v<pw} x[n, i·sh + u - pt, j·sw + v - pl, c]
//
// where padding ("same" only) never wins (TensorFlow pads with -inf). Output
// size per axis: floor((h - ph)/sh) + 1 for "valid", ceil(h/sh) for "same".
//
// Backward sends each output's gradient to the first maximum of its window
// in row-major window order (as PyTorch does), so ties never split or
// duplicate a gradient. It finds that input again from x and y (the first
// input equal to the output, as TensorFlow's MaxPoolGrad does), so Forward
// records nothing and training needs no extra memory. A later value
// replaces the running maximum only if it is greater, so a NaN never wins
// (unless it comes first).
//
// The 2×2, stride 2, "valid" pooling of most convnets has a fast path:
// one vector pass per output row forward, and backward one pass that writes
// every input gradient (the routed value or zero) without clearing first.
// 3×3 max pooling (ResNet's 3×3, stride 2, pad 1) has a forward fast path
// with the same results bit for bit (pool3.go).
type MaxPooling2D struct{ pool2D }

// AveragePooling2D averages each window, as keras.layers.AveragePooling2D:
//
//	y[n, i, j, c] = mean of x[n, i·sh + u - pt, j·sw + v - pl, c] over the
//	                window positions (u, v) inside the image
//
// so with padding "same" a border window divides by the number of real
// pixels it covers, as TensorFlow does. Output size as MaxPooling2D.
type AveragePooling2D struct{ pool2D }

// NewMaxPooling2D returns a max-pooling layer with a ph×pw window (Keras:
// MaxPooling2D((ph, pw))). Options: WithStrides (default: the pool size),
// WithPadding (default "valid"), WithPads (explicit padding, which never
// wins), WithCeilMode, WithName.
func NewMaxPooling2D(ph, pw int, opts ...Option) *MaxPooling2D {
	return &MaxPooling2D{newPool2D("MaxPooling2D", true, ph, pw, opts)}
}

// NewAveragePooling2D returns an average-pooling layer with a ph×pw window
// (Keras: AveragePooling2D((ph, pw))). Options as NewMaxPooling2D, and
// WithCountIncludePad: divide by the whole window, explicit padding
// included (but not the part of a ceil-mode window past the padding), as
// ONNX count_include_pad=1 and PyTorch's default.
func NewAveragePooling2D(ph, pw int, opts ...Option) *AveragePooling2D {
	return &AveragePooling2D{newPool2D("AveragePooling2D", false, ph, pw, opts)}
}

// pool2D is the implementation shared by the two pooling layers.
type pool2D struct {
	named
	kind     string
	isMax    bool
	poolSize [2]int
	strides  [2]int
	padding  string
	pads     [4]int // explicit padding (top, left, bottom, right)
	ceil     bool   // ceil mode
	countPad bool   // average pooling: count_include_pad
	err      error

	eng          Engine
	g            window
	fast         bool // 2×2 max pooling, stride 2, no padding
	rows, blocks int  // output rows per work item, items per sample
	x, y, dx, dy *Tensor

	fwd, fwd3, bwd, bwdFast func(worker, i int)
}

// setEngine makes the layer compute with e (Sequential.SetEngine).
func (p *pool2D) setEngine(e Engine) { p.eng = e }

func newPool2D(kind string, isMax bool, ph, pw int, opts []Option) pool2D {
	allowed := optStrides | optPadding | optPads | optCeilMode
	if !isMax {
		allowed |= optCountPad
	}
	o, err := applyOptions(kind, options{strides: [2]int{ph, pw}, padding: "valid"}, allowed, opts)
	p := pool2D{kind: kind, isMax: isMax, poolSize: [2]int{ph, pw}, strides: o.strides, padding: o.padding,
		pads: o.pads, ceil: o.ceilMode, countPad: o.countPad, err: err}
	p.name = o.name
	return p
}

// Kind returns "MaxPooling2D" or "AveragePooling2D".
func (p *pool2D) Kind() string { return p.kind }

func (p *pool2D) check() error {
	if p.err != nil {
		return p.err
	}
	if err := checkPair(p.kind, "pool_size", p.poolSize); err != nil {
		return err
	}
	if err := checkPair(p.kind, "strides", p.strides); err != nil {
		return err
	}
	if err := checkPadding(p.kind, p.padding); err != nil {
		return err
	}
	if err := checkPads(p.kind, p.padding, p.pads); err != nil {
		return err
	}
	if p.pads[0] >= p.poolSize[0] || p.pads[2] >= p.poolSize[0] || p.pads[1] >= p.poolSize[1] || p.pads[3] >= p.poolSize[1] {
		return fmt.Errorf("%s: expected pads smaller than the pool size (%d, %d), received %v", p.kind, p.poolSize[0], p.poolSize[1], p.pads)
	}
	return nil
}

// Build checks the input (h, w, c) and returns (oh, ow, c).
func (p *pool2D) Build(in []int) ([]int, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if err := p.g.setupFull(p.kind, "pool", in, p.poolSize, p.strides, [2]int{1, 1}, p.padding, p.pads, p.ceil); err != nil {
		return nil, err
	}
	g := &p.g
	p.fast = p.isMax && g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2 && g.oh == g.h/2 && g.ow == g.w/2 && g.pt == 0 && g.pl == 0
	p.rows = min(g.oh, max(1, 4096/(g.ow*g.c)))
	p.blocks = (g.oh + p.rows - 1) / p.rows
	p.fwd, p.fwd3, p.bwd, p.bwdFast = p.forwardItem, p.forward3, p.backwardSample, p.backwardFast
	return []int{g.oh, g.ow, g.c}, nil
}

// Params returns nil: pooling has no weights.
func (p *pool2D) Params() []*Param { return nil }

// Config returns the Keras config (pool_size, strides, padding).
func (p *pool2D) Config() LayerConfig {
	return LayerConfig{ClassName: p.kind, Name: p.name, PoolSize: p.poolSize, Strides: p.strides, Padding: p.padding,
		Pads: p.pads, CeilMode: p.ceil, CountIncludePad: p.countPad}
}

// Forward pools the batch (training makes no difference).
func (p *pool2D) Forward(y, x *Tensor, training bool) {
	g := &p.g
	n := x.Batch()
	checkTensor(p.kind, "input", x, n, []int{g.h, g.w, g.c})
	checkTensor(p.kind, "output", y, n, []int{g.oh, g.ow, g.c})
	p.x, p.y = x, y
	if p.pool3() {
		p.eng.parallelFor(n*p.blocks, p.fwd3)
	} else {
		p.eng.parallelFor(n*p.blocks, p.fwd)
	}
	p.x, p.y = nil, nil
}

// forwardItem pools one block of output rows of one sample.
func (p *pool2D) forwardItem(_, item int) {
	g := &p.g
	n, r0 := item/p.blocks, item%p.blocks*p.rows
	r1 := min(r0+p.rows, g.oh)
	x, y := p.x.Sample(n), p.y.Sample(n)
	c := g.c
	if p.fast {
		row, in := g.ow*c, g.w*c
		for oy := r0; oy < r1; oy++ {
			maxPool2(y[oy*row:(oy+1)*row], x[2*oy*in:], x[(2*oy+1)*in:], c)
		}
		return
	}
	for oy := r0; oy < r1; oy++ {
		iy0, ilo, ihi := span(oy, g.sh, g.pt, g.kh, g.h)
		for ox := 0; ox < g.ow; ox++ {
			ix0, jlo, jhi := span(ox, g.sw, g.pl, g.kw, g.w)
			o := (oy*g.ow + ox) * c
			out := y[o : o+c]
			if ihi <= ilo || jhi <= jlo { // a window wholly in the padding
				clear(out)
				continue
			}
			first := true
			for i := ilo; i < ihi; i++ {
				for j := jlo; j < jhi; j++ {
					off := ((iy0+i)*g.w + ix0 + j) * c
					src := x[off : off+c]
					switch {
					case first:
						copy(out, src)
					case p.isMax:
						maxInto(out, src)
					default:
						addTo(out, src)
					}
					first = false
				}
			}
			if !p.isMax {
				inv := p.inverseCount(iy0, ix0, ilo, ihi, jlo, jhi)
				for k := range out {
					out[k] *= inv
				}
			}
		}
	}
}

// Backward routes dy back to the inputs: to each window's first maximum,
// or spread evenly over the window's real pixels for average pooling.
func (p *pool2D) Backward(dx, dy, x, y *Tensor) {
	if dx == nil {
		return
	}
	g := &p.g
	n := x.Batch()
	checkTensor(p.kind, "input", x, n, []int{g.h, g.w, g.c})
	checkTensor(p.kind, "output", y, n, []int{g.oh, g.ow, g.c})
	checkTensor(p.kind, "output gradient", dy, n, []int{g.oh, g.ow, g.c})
	checkTensor(p.kind, "input gradient", dx, n, []int{g.h, g.w, g.c})
	p.x, p.y, p.dx, p.dy = x, y, dx, dy
	if p.fast {
		p.eng.parallelFor(n*p.blocks, p.bwdFast)
	} else {
		p.eng.parallelFor(n, p.bwd)
	}
	p.x, p.y, p.dx, p.dy = nil, nil, nil, nil
}

// backwardFast writes the input gradient rows under one block of output
// rows of one sample, for the 2×2 fast path: every pixel of rows 2·oy and
// 2·oy+1, the column left over by an odd width included, and the row left
// over by an odd height with the last block.
func (p *pool2D) backwardFast(_, item int) {
	g := &p.g
	n, r0 := item/p.blocks, item%p.blocks*p.rows
	r1 := min(r0+p.rows, g.oh)
	x, y, dx, dy := p.x.Sample(n), p.y.Sample(n), p.dx.Sample(n), p.dy.Sample(n)
	c, row, in := g.c, g.ow*g.c, g.w*g.c
	for oy := r0; oy < r1; oy++ {
		d0, d1 := dx[2*oy*in:(2*oy+1)*in], dx[(2*oy+1)*in:(2*oy+2)*in]
		maxPool2Back(d0, d1, x[2*oy*in:], x[(2*oy+1)*in:], y[oy*row:(oy+1)*row], dy[oy*row:(oy+1)*row], c)
		clear(d0[2*row:])
		clear(d1[2*row:])
	}
	if r1 == g.oh {
		clear(dx[2*g.oh*in:])
	}
}

// backwardSample computes the input gradient of sample n (general windows,
// which may overlap: the gradient is cleared, then added to).
func (p *pool2D) backwardSample(_, n int) {
	g := &p.g
	x, y, dx, dy := p.x.Sample(n), p.y.Sample(n), p.dx.Sample(n), p.dy.Sample(n)
	clear(dx)
	c := g.c
	for oy := 0; oy < g.oh; oy++ {
		iy0, ilo, ihi := span(oy, g.sh, g.pt, g.kh, g.h)
		for ox := 0; ox < g.ow; ox++ {
			ix0, jlo, jhi := span(ox, g.sw, g.pl, g.kw, g.w)
			o := (oy*g.ow + ox) * c
			if p.isMax {
				for k := 0; k < c; k++ {
					p.routeMax(dx, x, iy0, ix0, ilo, ihi, jlo, jhi, k, y[o+k], dy[o+k])
				}
				continue
			}
			inv := p.inverseCount(iy0, ix0, ilo, ihi, jlo, jhi)
			for i := ilo; i < ihi; i++ {
				for j := jlo; j < jhi; j++ {
					d := dx[((iy0+i)*g.w+ix0+j)*c:][:c]
					for k, v := range dy[o : o+c] {
						d[k] += v * inv
					}
				}
			}
		}
	}
}

// routeMax adds grad to the input gradient of channel k at the first input
// of the window (rows ilo..ihi, columns jlo..jhi from iy0, ix0) equal to
// its maximum m.
func (p *pool2D) routeMax(dx, x []float32, iy0, ix0, ilo, ihi, jlo, jhi, k int, m, grad float32) {
	g := &p.g
	for i := ilo; i < ihi; i++ {
		for j := jlo; j < jhi; j++ {
			if off := ((iy0+i)*g.w+ix0+j)*g.c + k; x[off] == m {
				dx[off] += grad
				return
			}
		}
	}
}
