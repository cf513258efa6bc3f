package nn

import (
	"fmt"
	"slices"
)

// Reshape gives each sample a new shape with the same values in the same
// (row-major) order, as keras.layers.Reshape(target_shape): one dimension
// may be -1, inferred from the others. The batch dimension is not part of
// the target shape. Forward and Backward are copies.
type Reshape struct {
	named
	target []int
	err    error
	in     []int
	out    []int
}

// NewReshape returns a Reshape layer to the per-sample shape target (Keras:
// Reshape(target_shape)), of rank 1 to 4. Option: WithName.
func NewReshape(target []int, opts ...Option) *Reshape {
	o, err := applyOptions("Reshape", options{}, 0, opts)
	r := &Reshape{target: append([]int(nil), target...), err: err}
	r.name = o.name
	if err == nil && (len(target) == 0 || len(target) > 4) {
		r.err = fmt.Errorf("Reshape: expected a target shape of rank 1 to 4, received %s", shapeString(target))
	}
	return r
}

// Kind returns "Reshape".
func (r *Reshape) Kind() string { return "Reshape" }

func (r *Reshape) check() error { return r.err }

// Build resolves a -1 and checks that the sizes agree.
func (r *Reshape) Build(in []int) ([]int, error) {
	if r.err != nil {
		return nil, r.err
	}
	size, known, free := shapeSize(in), 1, -1
	for i, d := range r.target {
		switch {
		case d == -1 && free < 0:
			free = i
		case d <= 0:
			return nil, fmt.Errorf("Reshape: expected positive dimensions and at most one -1, received target_shape %s", shapeString(r.target))
		default:
			known *= d
		}
	}
	out := slices.Clone(r.target)
	if free >= 0 {
		if known == 0 || size%known != 0 {
			return nil, fmt.Errorf("Reshape: cannot reshape input %s (%d values) to %s", shapeString(in), size, shapeString(r.target))
		}
		out[free] = size / known
	}
	if shapeSize(out) != size {
		return nil, fmt.Errorf("Reshape: expected a target shape of %d values (input %s), received %s (%d values)", size, shapeString(in), shapeString(r.target), shapeSize(out))
	}
	r.in, r.out = slices.Clone(in), out
	return out, nil
}

// Params returns nil.
func (r *Reshape) Params() []*Param { return nil }

// Config returns the Keras config (target_shape).
func (r *Reshape) Config() LayerConfig {
	c := LayerConfig{ClassName: "Reshape", Name: r.name}
	copy(c.TargetShape[:], r.target)
	return c
}

// Forward copies x into y.
func (r *Reshape) Forward(y, x *Tensor, training bool) {
	n := x.Batch()
	checkTensor("Reshape", "input", x, n, r.in)
	checkTensor("Reshape", "output", y, n, r.out)
	copy(y.Data, x.Data)
}

// Backward copies dy into dx.
func (r *Reshape) Backward(dx, dy, x, y *Tensor) {
	if dx == nil {
		return
	}
	n := dy.Batch()
	checkTensor("Reshape", "output gradient", dy, n, r.out)
	checkTensor("Reshape", "input gradient", dx, n, r.in)
	copy(dx.Data, dy.Data)
}
