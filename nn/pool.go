package nn

import (
	"fmt"
	"math"
)

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
// duplicate a gradient. The positions are recorded by Forward with
// training=true.
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
// WithPadding (default "valid"), WithName.
func NewMaxPooling2D(ph, pw int, opts ...Option) *MaxPooling2D {
	return &MaxPooling2D{newPool2D("MaxPooling2D", true, ph, pw, opts)}
}

// NewAveragePooling2D returns an average-pooling layer with a ph×pw window
// (Keras: AveragePooling2D((ph, pw))). Options as NewMaxPooling2D.
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
	err      error

	g            window
	rows, blocks int     // output rows per forward work item, items per sample
	arg          []int32 // max: per output value, the offset in its sample of the winning input
	x, y, dx, dy *Tensor
	train        bool
	fwd, bwd     func(worker, i int)
}

func newPool2D(kind string, isMax bool, ph, pw int, opts []Option) pool2D {
	o, err := applyOptions(kind, options{strides: [2]int{ph, pw}, padding: "valid"}, optStrides|optPadding, opts)
	p := pool2D{kind: kind, isMax: isMax, poolSize: [2]int{ph, pw}, strides: o.strides, padding: o.padding, err: err}
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
	return checkPadding(p.kind, p.padding)
}

// Build checks the input (h, w, c) and returns (oh, ow, c).
func (p *pool2D) Build(in []int) ([]int, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if err := p.g.setup(p.kind, "pool", in, p.poolSize, p.strides, p.padding); err != nil {
		return nil, err
	}
	g := &p.g
	p.rows = min(g.oh, max(1, 4096/(g.ow*g.c)))
	p.blocks = (g.oh + p.rows - 1) / p.rows
	p.fwd, p.bwd = p.forwardItem, p.backwardSample
	return []int{g.oh, g.ow, g.c}, nil
}

// Params returns nil: pooling has no weights.
func (p *pool2D) Params() []*Param { return nil }

// Config returns the Keras config (pool_size, strides, padding).
func (p *pool2D) Config() LayerConfig {
	return LayerConfig{ClassName: p.kind, Name: p.name, PoolSize: p.poolSize, Strides: p.strides, Padding: p.padding}
}

// Forward pools the batch; with training (max pooling) it also records
// where each maximum came from, for Backward.
func (p *pool2D) Forward(y, x *Tensor, training bool) {
	g := &p.g
	n := x.Batch()
	checkTensor(p.kind, "input", x, n, []int{g.h, g.w, g.c})
	checkTensor(p.kind, "output", y, n, []int{g.oh, g.ow, g.c})
	p.train = training && p.isMax
	if p.train && len(p.arg) != len(y.Data) {
		p.arg = make([]int32, len(y.Data))
	}
	p.x, p.y = x, y
	parallelFor(n*p.blocks, p.fwd)
	p.x, p.y = nil, nil
}

func (p *pool2D) forwardItem(_, item int) {
	g := &p.g
	n, r0 := item/p.blocks, item%p.blocks*p.rows
	r1 := min(r0+p.rows, g.oh)
	x, y := p.x.Sample(n), p.y.Sample(n)
	var args []int32
	if p.train {
		args = p.arg[n*len(y) : (n+1)*len(y)]
	}
	c := g.c
	for oy := r0; oy < r1; oy++ {
		iy0, ilo, ihi := span(oy, g.sh, g.pt, g.kh, g.h)
		for ox := 0; ox < g.ow; ox++ {
			ix0, jlo, jhi := span(ox, g.sw, g.pl, g.kw, g.w)
			o := (oy*g.ow + ox) * c
			out := y[o : o+c]
			if !p.isMax {
				clear(out)
			}
			first := true
			for i := ilo; i < ihi; i++ {
				for j := jlo; j < jhi; j++ {
					off := ((iy0+i)*g.w + ix0 + j) * c
					src := x[off : off+c]
					switch {
					case !p.isMax:
						addTo(out, src)
					case first:
						copy(out, src)
						if args != nil {
							for k := range out {
								args[o+k] = int32(off + k)
							}
						}
					case args != nil:
						argmax(out, args[o:o+c], src, int32(off))
					default:
						for k, v := range src {
							out[k] = max(out[k], v)
						}
					}
					first = false
				}
			}
			if !p.isMax {
				inv := 1 / float32((ihi-ilo)*(jhi-jlo))
				for k := range out {
					out[k] *= inv
				}
			}
		}
	}
}

// Backward routes dy back to the inputs: to each window's recorded maximum,
// or spread evenly over the window's real pixels for average pooling.
func (p *pool2D) Backward(dx, dy, x, y *Tensor) {
	if dx == nil {
		return
	}
	g := &p.g
	n := x.Batch()
	checkTensor(p.kind, "output gradient", dy, n, []int{g.oh, g.ow, g.c})
	checkTensor(p.kind, "input gradient", dx, n, []int{g.h, g.w, g.c})
	if p.isMax && len(p.arg) != len(dy.Data) {
		panic(fmt.Sprintf("nn: %s: Backward needs a Forward with training=true on the same batch", p.kind))
	}
	p.dx, p.dy = dx, dy
	parallelFor(n, p.bwd)
	p.dx, p.dy = nil, nil
}

func (p *pool2D) backwardSample(_, n int) {
	g := &p.g
	dx, dy := p.dx.Sample(n), p.dy.Sample(n)
	clear(dx)
	if p.isMax {
		for k, i := range p.arg[n*len(dy) : (n+1)*len(dy)] {
			dx[i] += dy[k]
		}
		return
	}
	c := g.c
	for oy := 0; oy < g.oh; oy++ {
		iy0, ilo, ihi := span(oy, g.sh, g.pt, g.kh, g.h)
		for ox := 0; ox < g.ow; ox++ {
			ix0, jlo, jhi := span(ox, g.sw, g.pl, g.kw, g.w)
			o := (oy*g.ow + ox) * c
			inv := 1 / float32((ihi-ilo)*(jhi-jlo))
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

// argmax keeps, per channel, the larger of out and src and in args the
// offset of the winner (src's offset is off+k); ties keep the earlier one.
// It compares order-preserving integer keys of the floats and selects with
// masks: branch-free, since on real activations the branch would be
// mispredicted about half the time. (-0 counts as less than +0, and NaN
// inputs give an arbitrary winner.)
func argmax(out []float32, args []int32, src []float32, off int32) {
	args, src = args[:len(out)], src[:len(out)]
	for k, v := range src {
		vb, ob := math.Float32bits(v), math.Float32bits(out[k])
		m := uint32((int64(floatKey(ob)) - int64(floatKey(vb))) >> 63) // all ones if v wins
		out[k] = math.Float32frombits(vb&m | ob&^m)
		args[k] = (off+int32(k))&int32(m) | args[k]&^int32(m)
	}
}

// floatKey maps float32 bits to an unsigned key with the floats' order.
func floatKey(b uint32) uint32 { return b ^ (uint32(int32(b)>>31) | 0x80000000) }
