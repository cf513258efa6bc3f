package nn

import (
	"fmt"
	"slices"
)

// Add sums its inputs element-wise, as keras.layers.Add (ONNX Add of two
// activations, a residual connection):
//
//	y = x₁ + x₂ + … + xₖ,   dL/dxᵢ = dL/dy
//
// Every input must have the same shape (no broadcasting).
type Add struct {
	named
	err   error
	eng   Engine
	shape []int
	k     int
	y     *Tensor
	xs    []*Tensor
	fwd   func(worker, i int)
}

// NewAdd returns an Add layer (Keras: Add()). Option: WithName.
func NewAdd(opts ...Option) *Add {
	o, err := applyOptions("Add", options{}, 0, opts)
	a := &Add{err: err}
	a.name = o.name
	return a
}

// Kind returns "Add".
func (a *Add) Kind() string { return "Add" }

func (a *Add) check() error { return a.err }

// BuildMerge checks that every input has the first one's shape and returns
// it.
func (a *Add) BuildMerge(in [][]int) ([]int, error) {
	if a.err != nil {
		return nil, a.err
	}
	if len(in) < 2 {
		return nil, fmt.Errorf("Add: expected at least 2 inputs, received %d", len(in))
	}
	for i, s := range in[1:] {
		if !slices.Equal(s, in[0]) {
			return nil, fmt.Errorf("Add: inputs must have the same shape: expected %s (input 1), received %s (input %d)", shapeString(in[0]), shapeString(s), i+2)
		}
	}
	a.shape, a.k = append([]int(nil), in[0]...), len(in)
	a.fwd = a.forwardChunk
	return a.shape, nil
}

// setEngine makes the layer compute with e (Graph.SetEngine).
func (a *Add) setEngine(e Engine) { a.eng = e }

// Params returns nil.
func (a *Add) Params() []*Param { return nil }

// Config returns the Keras config (just the name).
func (a *Add) Config() LayerConfig { return LayerConfig{ClassName: "Add", Name: a.name} }

// ForwardMerge computes y = Σ xᵢ.
func (a *Add) ForwardMerge(y *Tensor, xs []*Tensor, training bool) {
	n := y.Batch()
	checkTensor("Add", "output", y, n, a.shape)
	if len(xs) != a.k {
		panic(fmt.Sprintf("nn: Add: expected %d inputs, received %d", a.k, len(xs)))
	}
	for _, x := range xs {
		checkTensor("Add", "input", x, n, a.shape)
	}
	a.y, a.xs = y, xs
	a.eng.parallelForWork((len(y.Data)+pwChunk-1)/pwChunk, pwWork(len(y.Data)*a.k/2), a.fwd)
	a.y, a.xs = nil, nil
}

// forwardChunk sums one range of values.
func (a *Add) forwardChunk(_, i int) {
	lo := i * pwChunk
	hi := min(lo+pwChunk, len(a.y.Data))
	y := a.y.Data[lo:hi]
	add2(y, a.xs[0].Data[lo:hi], a.xs[1].Data[lo:hi])
	for _, x := range a.xs[2:] {
		addTo(y, x.Data[lo:hi])
	}
}

// add2 computes dst = a + b.
func add2(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] + b[i]
	}
}

// BackwardMerge copies dy into every requested input gradient.
func (a *Add) BackwardMerge(dxs []*Tensor, dy *Tensor, xs []*Tensor, y *Tensor) {
	n := dy.Batch()
	checkTensor("Add", "output gradient", dy, n, a.shape)
	for _, dx := range dxs {
		if dx != nil {
			checkTensor("Add", "input gradient", dx, n, a.shape)
			copy(dx.Data, dy.Data)
		}
	}
}

// Concatenate joins its inputs along the channel (last) axis, as
// keras.layers.Concatenate(axis=-1) (ONNX Concat of NCHW data on axis 1):
//
//	y[…, o₁+c] = x₁[…, c] for c < c₁,  y[…, o₂+c] = x₂[…, c], …
//
// with oᵢ the sum of the earlier inputs' channels. All other dimensions
// must agree. The input gradients are the matching slices of dL/dy.
type Concatenate struct {
	named
	err    error
	shapes [][]int
	chans  []int // channels of each input
	outC   int
	shape  []int
	eng    Engine
	y      *Tensor   // arguments of the running ForwardMerge
	xs     []*Tensor //
	fwd    func(worker, i int)
}

// setEngine makes the layer compute with e (Graph.SetEngine).
func (c *Concatenate) setEngine(e Engine) { c.eng = e }

// NewConcatenate returns a Concatenate layer over the last axis (Keras:
// Concatenate(), axis=-1). Option: WithName.
func NewConcatenate(opts ...Option) *Concatenate {
	o, err := applyOptions("Concatenate", options{}, 0, opts)
	c := &Concatenate{err: err}
	c.name = o.name
	return c
}

// Kind returns "Concatenate".
func (c *Concatenate) Kind() string { return "Concatenate" }

func (c *Concatenate) check() error { return c.err }

// BuildMerge checks that the inputs agree on every axis but the last and
// returns their shape with the channels summed.
func (c *Concatenate) BuildMerge(in [][]int) ([]int, error) {
	if c.err != nil {
		return nil, c.err
	}
	if len(in) < 2 {
		return nil, fmt.Errorf("Concatenate: expected at least 2 inputs, received %d", len(in))
	}
	r := len(in[0])
	if r == 0 {
		return nil, fmt.Errorf("Concatenate: expected inputs of rank >= 1, received %s", shapeString(in[0]))
	}
	c.shapes, c.chans, c.outC = nil, nil, 0
	for i, s := range in {
		if len(s) != r || !slices.Equal(s[:r-1], in[0][:r-1]) {
			return nil, fmt.Errorf("Concatenate: inputs must agree on every axis but the last: expected (%s, …), received %s (input %d)",
				trimShape(in[0][:r-1]), shapeString(s), i+1)
		}
		c.shapes = append(c.shapes, append([]int(nil), s...))
		c.chans = append(c.chans, s[r-1])
		c.outC += s[r-1]
	}
	c.shape = append(append([]int(nil), in[0][:r-1]...), c.outC)
	c.fwd = c.forwardChunk
	return c.shape, nil
}

// trimShape formats a shape without its parentheses.
func trimShape(s []int) string {
	str := shapeString(s)
	str = str[1 : len(str)-1]
	if len(s) == 1 {
		str = str[:len(str)-1]
	}
	return str
}

// Params returns nil.
func (c *Concatenate) Params() []*Param { return nil }

// Config returns the Keras config (axis -1).
func (c *Concatenate) Config() LayerConfig {
	return LayerConfig{ClassName: "Concatenate", Name: c.name}
}

// ForwardMerge copies each input's channels into its slice of every pixel,
// pixel by pixel (each output pixel is written whole while it is in cache),
// in parallel chunks of pixels.
func (c *Concatenate) ForwardMerge(y *Tensor, xs []*Tensor, training bool) {
	n := y.Batch()
	checkTensor("Concatenate", "output", y, n, c.shape)
	if len(xs) != len(c.chans) {
		panic(fmt.Sprintf("nn: Concatenate: expected %d inputs, received %d", len(c.chans), len(xs)))
	}
	for i, x := range xs {
		checkTensor("Concatenate", "input", x, n, c.shapes[i])
	}
	c.y, c.xs = y, xs
	per := max(1, pwChunk/c.outC) // pixels per work item
	pixels := len(y.Data) / c.outC
	c.eng.parallelForWork((pixels+per-1)/per, pwWork(len(y.Data)), c.fwd)
	c.y, c.xs = nil, nil
}

// forwardChunk copies the pixels of work item i (ForwardMerge).
func (c *Concatenate) forwardChunk(_, i int) {
	per := max(1, pwChunk/c.outC)
	p1 := min((i+1)*per, len(c.y.Data)/c.outC)
	for p := i * per; p < p1; p++ {
		out := c.y.Data[p*c.outC : (p+1)*c.outC]
		off := 0
		for j, x := range c.xs {
			ci := c.chans[j]
			copy(out[off:off+ci], x.Data[p*ci:(p+1)*ci])
			off += ci
		}
	}
}

// BackwardMerge copies each input's slice of dy into its gradient.
func (c *Concatenate) BackwardMerge(dxs []*Tensor, dy *Tensor, xs []*Tensor, y *Tensor) {
	n := dy.Batch()
	checkTensor("Concatenate", "output gradient", dy, n, c.shape)
	off := 0
	for i, dx := range dxs {
		ci := c.chans[i]
		if dx != nil {
			checkTensor("Concatenate", "input gradient", dx, n, c.shapes[i])
			for p, q := 0, off; p < len(dx.Data); p, q = p+ci, q+c.outC {
				copy(dx.Data[p:p+ci], dy.Data[q:q+ci])
			}
		}
		off += ci
	}
}
