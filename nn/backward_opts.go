package nn

import (
	"fmt"
	"slices"
)

// InputName names the model's input where a layer name is expected
// (Sequential.Grad, Sequential.Output), as GraphInput does for graphs.
const InputName = GraphInput

// Sequential.BackwardWith takes the options Graph.BackwardWith takes
// (BackwardOptions, graph_exec.go), so one explanation package serves both:
//   - From: at most one layer, whose output gradient dy is (default: the
//     last layer);
//   - StopAt: the pass ends once that layer's output gradient is complete
//     (Grad-CAM reads it there); the layers below it cost nothing, and a
//     Conv2D that runs fused with its pooling runs unfused so that its own
//     output gradient exists;
//   - SkipWeights: Param.Grad is left as it was; Dense and Conv2D skip
//     their weight-gradient products (about half of a training backward
//     pass), as in Graph;
//   - InputGrad: also the gradient of the input, Grad(InputName);
//   - FromLogits: dy is the gradient of the From layer's pre-activation z
//     (its logits), not of its output f(z): that layer's activation is
//     skipped, an Activation or Softmax layer entirely (dy is then its
//     input's gradient). Use it with Sequential.Logits: a sigmoid's slope
//     vanishes for confident predictions and would flatten every map;
//   - Guided: the guided-backprop rule at every ReLU (Springenberg et al.
//     2015, "Striving for simplicity", eq. 6): only positive gradients
//     pass back, dz = max(dy, 0) ⊙ [y > 0]. The output gradients of ReLU
//     layers are clamped in place, so Grad returns the clamped values.

// backwardState is Sequential's bookkeeping for BackwardWith.
type backwardState struct {
	dx    *Tensor     // gradient of the input, when the pass reached it
	dxOK  bool        // dx belongs to the last pass
	valid []bool      // valid[i]: grads[i] holds layer i's output gradient of the last pass
	spare [][]float32 // SkipWeights: where Param.Grad points for layers that cannot skip
	grads [][]float32 // the parameters' own Grad slices, while swapped
}

// layerIndex returns the index of the layer called name, -1 for "" or
// InputName, or an error.
func (m *Sequential) layerIndex(name string) (int, error) {
	if name == "" || name == InputName {
		return -1, nil
	}
	for i, l := range m.layers {
		if l.Name() == name {
			return i, nil
		}
	}
	names := make([]string, len(m.layers))
	for i, l := range m.layers {
		names[i] = l.Name()
	}
	return 0, fmt.Errorf("nn: expected a layer name (%s) or %q, received %q", joinNames(names), InputName, name)
}

func joinNames(n []string) string {
	s := ""
	for i, v := range n {
		if i > 0 {
			s += ", "
		}
		s += v
	}
	return s
}

// layerAct returns a pointer to a layer's activation (Conv2D, Dense,
// Activation), or nil for layers without one.
func layerAct(l Layer) *activation {
	switch v := l.(type) {
	case *Conv2D:
		return &v.act
	case *Dense:
		return &v.act
	case *Activation:
		return &v.act
	case *Softmax:
		return &v.act
	}
	return nil
}

// setNoParamGrads switches weight gradients off (or back on): layers that
// can skip their weight products do (weightSkipper: Conv2D and Dense), and
// every layer but Dense (which then writes no weight gradient at all) has
// its Param.Grad pointed at spare buffers meanwhile, so the parameters'
// gradients are never touched.
func (m *Sequential) setNoParamGrads(on bool) {
	bo := &m.bo
	k := 0
	for _, l := range m.layers {
		if s, ok := l.(weightSkipper); ok {
			s.skipWeightGrads(on)
		}
		if _, ok := l.(*Dense); ok {
			continue
		}
		for _, p := range l.Params() {
			if on {
				if k == len(bo.spare) {
					bo.spare = append(bo.spare, nil)
					bo.grads = append(bo.grads, nil)
				}
				if len(bo.spare[k]) != len(p.Grad) {
					bo.spare[k] = make([]float32, len(p.Grad))
				}
				bo.grads[k], p.Grad = p.Grad, bo.spare[k]
			} else {
				p.Grad, bo.grads[k] = bo.grads[k], nil
			}
			k++
		}
	}
}

// BackwardWith back-propagates dys (one gradient, of the From layer's
// output or, with FromLogits, of its pre-activation) after a Forward,
// training or not, as the options say (see above). Afterwards Grad returns
// every layer output gradient the pass computed (and the input's, with
// InputGrad). Errors report unknown layer names, a number of gradients
// other than one, a wrong gradient shape, or a From layer FromLogits cannot
// see through.
func (m *Sequential) BackwardWith(o BackwardOptions, dys ...*Tensor) error {
	if m.outs == nil || m.x == nil {
		return fmt.Errorf("nn: Sequential.BackwardWith: call Forward first")
	}
	if len(dys) != 1 || len(o.From) > 1 {
		return fmt.Errorf("nn: Sequential.BackwardWith: expected one gradient and at most one From layer, received %d and %d", len(dys), len(o.From))
	}
	top := len(m.layers) - 1
	if len(o.From) == 1 {
		i, err := m.layerIndex(o.From[0])
		if err != nil || i < 0 {
			return fmt.Errorf("nn: Sequential.BackwardWith: From: %q is not a layer of the model", o.From[0])
		}
		top = i
	}
	dy := dys[0]
	if dy == nil || !slices.Equal(dy.Shape, m.outs[top].Shape) {
		got := "nil"
		if dy != nil {
			got = shapeString(dy.Shape)
		}
		return fmt.Errorf("nn: Sequential.BackwardWith: %s: expected gradient shape %s, received %s", m.layers[top].Name(), shapeString(m.outs[top].Shape), got)
	}
	stop := -1
	if o.StopAt != "" {
		i, err := m.layerIndex(o.StopAt)
		if err != nil || i < 0 {
			return fmt.Errorf("nn: Sequential.BackwardWith: StopAt: %q is not a layer of the model", o.StopAt)
		}
		if o.InputGrad {
			return fmt.Errorf("nn: Sequential.BackwardWith: InputGrad and StopAt exclude each other (the pass ends at %q)", o.StopAt)
		}
		if i > top {
			return fmt.Errorf("nn: Sequential.BackwardWith: StopAt: no gradient reaches %q from %s", o.StopAt, m.layers[top].Name())
		}
		stop = i
	}
	if m.grads == nil {
		m.grads = make([]*Tensor, len(m.layers))
	}
	bo := &m.bo
	bo.valid = slices.Grow(bo.valid[:0], len(m.layers))[:len(m.layers)]
	clear(bo.valid)
	bo.dxOK = false
	if o.SkipWeights {
		m.setNoParamGrads(true)
		defer m.setNoParamGrads(false)
	}

	// The gradient of top's output (copied, so the caller's tensor is
	// never clamped), or, with FromLogits, of its pre-activation.
	g := m.grad(top)
	copy(g.Data, dy.Data)
	bo.valid[top] = true
	skipAct := false // top's activation is skipped
	if o.FromLogits {
		kind := m.layers[top].Kind()
		act := layerAct(m.layers[top])
		switch {
		case kind == "Activation" || kind == "Softmax":
			if top == 0 || stop == top {
				return fmt.Errorf("nn: Sequential.BackwardWith: FromLogits: the logits of %s are its input; expected a layer below it", m.layers[top].Name())
			}
			bo.valid[top] = false
			top--
			copy(m.grad(top).Data, dy.Data)
			g = m.grad(top)
			bo.valid[top] = true
		case act == nil:
			return fmt.Errorf("nn: Sequential.BackwardWith: FromLogits: %s (%s) has no activation to skip", m.layers[top].Name(), kind)
		default:
			saved := *act
			*act = actLinear
			defer func() { *act = saved }()
			skipAct = true
		}
	}
	for i := top; i > stop; i-- {
		f, p := (poolFuser)(nil), (*MaxPooling2D)(nil)
		if i-1 > stop {
			f, p = m.fused(i - 1)
		}
		layer := i
		if f != nil {
			layer = i - 1 // the pair (i-1, i): no gradient for layer i-1's output
		}
		if o.Guided && !(layer == top && skipAct) && isReLU(m.layers[layer]) {
			clampPositive(g.Data)
		}
		in, dx := m.x, (*Tensor)(nil)
		if layer > 0 {
			in, dx = m.outs[layer-1], m.grad(layer-1)
		} else if o.InputGrad {
			dx = m.inputGrad()
		}
		if f != nil {
			f.backwardPooled(dx, g, in, m.outs[layer], m.outs[i], p)
		} else {
			m.layers[i].Backward(dx, g, in, m.outs[i])
		}
		if layer > 0 {
			bo.valid[layer-1] = true
		}
		g = dx
		i = layer
	}
	return nil
}

// clampPositive sets v = max(v, 0): the guided rule's half that the ReLU's
// own derivative [y > 0] does not do.
func clampPositive(v []float32) {
	for k, x := range v {
		v[k] = max(x, 0)
	}
}

// isReLU reports whether a layer ends in a ReLU (a Conv2D, Dense or
// Activation with activation "relu" or "relu6", or a ReLU layer without
// negative slope), where the guided rule applies.
func isReLU(l Layer) bool {
	if a := layerAct(l); a != nil {
		return *a == actReLU || *a == actReLU6
	}
	r, ok := l.(*ReLU)
	return ok && r.op == pwReLU && r.b == 0
}

// inputGrad returns the buffer for the gradient of the input, sized for the
// last Forward's batch.
func (m *Sequential) inputGrad() *Tensor {
	if m.bo.dx == nil || !slices.Equal(m.bo.dx.Shape, m.x.Shape) {
		m.bo.dx = NewTensor(m.x.Shape...)
	}
	m.bo.dxOK = true
	return m.bo.dx
}
