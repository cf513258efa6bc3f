package nn

import (
	"fmt"
	"slices"
	"strings"
)

// Multiply multiplies its inputs element-wise, as keras.layers.Multiply
// (ONNX Mul of two computed tensors):
//
//	y = x₁ ⊙ x₂ ⊙ … ⊙ xₖ
//
// Every input has the output's shape, or is a broadcast input: ones on
// every axis but the last, which matches the output's, e.g. (1, 1, C)
// against (H, W, C), one factor per channel applied to every pixel. That
// is the gate of a squeeze-and-excitation block (Hu et al. 2018,
// "Squeeze-and-Excitation Networks"; MobileNetV3, EfficientNet), under
// NumPy's broadcasting rules; other broadcasts are refused at Build. The
// gradients are
//
//	dL/dxᵢ = dL/dy ⊙ Πⱼ≠ᵢ xⱼ
//
// summed over every broadcast axis for a broadcast input (for (1, 1, C):
// dL/ds[c] = Σ_{h,w} dL/dy[h,w,c] · Πⱼ≠ᵢ xⱼ[h,w,c]).
type Multiply struct {
	named
	err    error
	eng    Engine
	shape  []int   // output shape
	shapes [][]int // input shapes
	bcast  []bool  // input i is broadcast over every axis but the last
	c, hw  int     // channels (last axis) and rows of c values per sample

	// The running pass (parallel work items read them).
	y, dy   *Tensor
	xs, dxs []*Tensor
	rows    int // rows per work item
	fwd     func(worker, i int)
	bwdFull func(worker, i int)
	bwdSum  func(worker, i int)
}

// NewMultiply returns a Multiply layer (Keras: Multiply()). Option: WithName.
func NewMultiply(opts ...Option) *Multiply {
	o, err := applyOptions("Multiply", options{}, 0, opts)
	m := &Multiply{err: err}
	m.name = o.name
	return m
}

// Kind returns "Multiply".
func (m *Multiply) Kind() string { return "Multiply" }

func (m *Multiply) check() error { return m.err }

// setEngine makes the layer compute with e (Graph.SetEngine).
func (m *Multiply) setEngine(e Engine) { m.eng = e }

// Params returns nil.
func (m *Multiply) Params() []*Param { return nil }

// Config returns the Keras config (just the name).
func (m *Multiply) Config() LayerConfig { return LayerConfig{ClassName: "Multiply", Name: m.name} }

// BuildMerge checks that every input has the output's shape or is a
// broadcast input (ones but the last axis), and returns the output shape:
// the largest input's.
func (m *Multiply) BuildMerge(in [][]int) ([]int, error) {
	if m.err != nil {
		return nil, m.err
	}
	if len(in) < 2 {
		return nil, fmt.Errorf("Multiply: expected at least 2 inputs, received %d", len(in))
	}
	out := in[0]
	for _, s := range in[1:] {
		if shapeSize(s) > shapeSize(out) {
			out = s
		}
	}
	r := len(out)
	if r == 0 {
		return nil, fmt.Errorf("Multiply: expected inputs of rank >= 1, received %s", shapeString(out))
	}
	m.bcast = make([]bool, len(in))
	for i, s := range in {
		if slices.Equal(s, out) {
			continue
		}
		if len(s) != r || s[r-1] != out[r-1] || shapeSize(s) != s[r-1] {
			want := "(" + strings.Repeat("1, ", r-1) + fmt.Sprint(out[r-1]) + ")"
			return nil, fmt.Errorf("Multiply: input %d: expected shape %s or %s (one value per channel, broadcast), received %s",
				i+1, shapeString(out), want, shapeString(s))
		}
		m.bcast[i] = true
	}
	m.shape = slices.Clone(out)
	m.shapes = make([][]int, len(in))
	for i, s := range in {
		m.shapes[i] = slices.Clone(s)
	}
	m.c = out[r-1]
	m.hw = shapeSize(out) / max(m.c, 1)
	m.fwd, m.bwdFull, m.bwdSum = m.forwardChunk, m.backwardFullChunk, m.backwardSumChunk
	return m.shape, nil
}

// row returns the c values of input j that output row r reads (row r of
// the batch: sample r/hw).
func (m *Multiply) row(x *Tensor, j, r int) []float32 {
	c := m.c
	if m.bcast[j] {
		r /= m.hw
	}
	return x.Data[r*c : (r+1)*c : (r+1)*c]
}

// items splits n rows of c values into work items of about pwChunk values.
func (m *Multiply) items(n int) int {
	m.rows = max(1, pwChunk/max(m.c, 1))
	return (n + m.rows - 1) / m.rows
}

// ForwardMerge computes y = Π xᵢ.
func (m *Multiply) ForwardMerge(y *Tensor, xs []*Tensor, training bool) {
	n := y.Batch()
	checkTensor("Multiply", "output", y, n, m.shape)
	if len(xs) != len(m.shapes) {
		panic(fmt.Sprintf("nn: Multiply: expected %d inputs, received %d", len(m.shapes), len(xs)))
	}
	for i, x := range xs {
		checkTensor("Multiply", "input", x, n, m.shapes[i])
	}
	if m.c == 0 {
		return
	}
	m.y, m.xs = y, xs
	m.eng.parallelFor(m.items(n*m.hw), m.fwd)
	m.y, m.xs = nil, nil
}

// forwardChunk computes one work item's rows.
func (m *Multiply) forwardChunk(_, item int) {
	total := len(m.y.Data) / m.c
	r0, r1 := item*m.rows, min((item+1)*m.rows, total)
	if !slices.Contains(m.bcast, true) { // one run of values
		lo, hi := r0*m.c, r1*m.c
		mul(m.y.Data[lo:hi], m.xs[0].Data[lo:hi], m.xs[1].Data[lo:hi])
		for _, x := range m.xs[2:] {
			mul(m.y.Data[lo:hi], m.y.Data[lo:hi], x.Data[lo:hi])
		}
		return
	}
	for r := r0; r < r1; r++ {
		y := m.y.Data[r*m.c : (r+1)*m.c]
		mul(y, m.row(m.xs[0], 0, r), m.row(m.xs[1], 1, r))
		for j := 2; j < len(m.xs); j++ {
			mul(y, y, m.row(m.xs[j], j, r))
		}
	}
}

// BackwardMerge computes every requested input gradient (nil entries of
// dxs are skipped): dxᵢ = dy ⊙ Πⱼ≠ᵢ xⱼ, summed over the broadcast axes for
// a broadcast input. Each gradient is overwritten, not added to.
func (m *Multiply) BackwardMerge(dxs []*Tensor, dy *Tensor, xs []*Tensor, y *Tensor) {
	n := dy.Batch()
	checkTensor("Multiply", "output gradient", dy, n, m.shape)
	if len(xs) != len(m.shapes) || len(dxs) != len(m.shapes) {
		panic(fmt.Sprintf("nn: Multiply: expected %d inputs and gradients, received %d and %d", len(m.shapes), len(xs), len(dxs)))
	}
	full, sum := false, false
	for i, dx := range dxs {
		if dx == nil {
			continue
		}
		checkTensor("Multiply", "input", xs[i], n, m.shapes[i])
		checkTensor("Multiply", "input gradient", dx, n, m.shapes[i])
		full = full || !m.bcast[i]
		sum = sum || m.bcast[i]
	}
	if m.c == 0 {
		return
	}
	m.dy, m.xs, m.dxs = dy, xs, dxs
	if full {
		m.eng.parallelFor(m.items(n*m.hw), m.bwdFull)
	}
	if sum { // one item per sample and block of channels: no two write the same sum
		m.eng.parallelFor(n*m.blocks(), m.bwdSum)
	}
	m.dy, m.xs, m.dxs = nil, nil, nil
}

// sumBlock is the channels per work item of a broadcast input's gradient.
const sumBlock = 256

func (m *Multiply) blocks() int { return (m.c + sumBlock - 1) / sumBlock }

// backwardFullChunk computes one work item's rows of the gradients of the
// inputs that are not broadcast.
func (m *Multiply) backwardFullChunk(_, item int) {
	total := len(m.dy.Data) / m.c
	for r := item * m.rows; r < min((item+1)*m.rows, total); r++ {
		dy := m.dy.Data[r*m.c : (r+1)*m.c]
		for i, dx := range m.dxs {
			if dx == nil || m.bcast[i] {
				continue
			}
			m.others(dx.Data[r*m.c:(r+1)*m.c], dy, i, r, 0, false)
		}
	}
}

// backwardSumChunk computes one sample's block of channels of every
// broadcast input's gradient, summing over the sample's rows.
func (m *Multiply) backwardSumChunk(_, item int) {
	b, blk := item/m.blocks(), item%m.blocks()
	c0, c1 := blk*sumBlock, min((blk+1)*sumBlock, m.c)
	for i, dx := range m.dxs {
		if dx == nil || !m.bcast[i] {
			continue
		}
		acc := dx.Data[b*m.c+c0 : b*m.c+c1]
		clear(acc)
		for r := b * m.hw; r < (b+1)*m.hw; r++ {
			m.others(acc, m.dy.Data[r*m.c+c0:r*m.c+c1], i, r, c0, true)
		}
	}
}

// others sets dst = dy ⊙ Πⱼ≠ᵢ xⱼ over channels c0 … c0+len(dst) of output
// row r, or adds it to dst when add is set.
func (m *Multiply) others(dst, dy []float32, i, r, c0 int, add bool) {
	dy = dy[:len(dst)]
	if len(m.xs) == 2 {
		x := m.row(m.xs[1-i], 1-i, r)[c0:]
		x = x[:len(dst)]
		if add {
			for e := range dst {
				dst[e] += dy[e] * x[e]
			}
		} else {
			for e := range dst {
				dst[e] = dy[e] * x[e]
			}
		}
		return
	}
	for e := range dst {
		v := dy[e]
		for j, xj := range m.xs {
			if j != i {
				v *= m.row(xj, j, r)[c0+e]
			}
		}
		if add {
			dst[e] += v
		} else {
			dst[e] = v
		}
	}
}
