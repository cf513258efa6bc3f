package nn

import (
	"fmt"
	"slices"
)

// InputName names the model's input where a layer name is expected
// (BackwardOptions.StopAt, Sequential.Gradient, Sequential.Output), as
// Keras' functional models call their first node "input".
const InputName = "input"

// BackwardOptions selects what a backward pass computes. The zero value is
// a full training backward pass (Sequential.Backward) that also leaves the
// gradient of the model's input.
//
// Explanation methods (Grad-CAM, saliency, Integrated Gradients, guided
// backprop) need gradients of a score with respect to the input or to one
// layer's output, not weight gradients; they set NoParamGrads, FromLogits
// and, for Grad-CAM, StopAt.
type BackwardOptions struct {
	// FromLogits: dy is the gradient with respect to the last layer's
	// pre-activation z (its logits), not its output f(z). The last layer's
	// activation is skipped; a last Activation layer is skipped entirely.
	// Use it with Sequential.Logits: a sigmoid's slope f'(z) vanishes for
	// confident predictions and would flatten every map.
	FromLogits bool
	// NoParamGrads skips the weight gradients (Param.Grad is left as it
	// was): the input gradient alone costs about half a training backward
	// pass. Conv2D's im2col path (strided or padded convolutions) still
	// computes them.
	NoParamGrads bool
	// StopAt is the name of the layer whose output gradient is the last one
	// needed: the pass stops there, so the layers before it cost nothing.
	// "" or InputName goes all the way to the input.
	StopAt string
	// Keep names layers whose output gradient must be kept for Gradient
	// (StopAt's always is). A Conv2D that runs fused with the 2×2 pooling
	// after it has no output gradient of its own; naming it here (or in
	// StopAt) runs that pair unfused for this pass.
	Keep []string
	// Guided applies the guided-backprop rule at every ReLU (Springenberg
	// et al. 2015, "Striving for simplicity", eq. 6): only positive
	// gradients pass back through a ReLU, dz = max(dy, 0) ⊙ [y > 0]. The
	// output gradients of ReLU layers are clamped in place, so Gradient
	// returns the clamped values.
	Guided bool
}

// backwardState is Sequential's bookkeeping for BackwardWith.
type backwardState struct {
	dx    *Tensor // gradient of the input, when the pass reached it
	dxOK  bool    // dx belongs to the last pass
	valid []bool  // valid[i]: grads[i] holds layer i's output gradient of the last pass
	dy    *Tensor // copy of a caller's dy that the guided rule clamps
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
	}
	return nil
}

// setNoParamGrads switches weight gradients off (or back on) in every layer
// that can skip them.
func (m *Sequential) setNoParamGrads(on bool) {
	for _, l := range m.layers {
		switch v := l.(type) {
		case *Conv2D:
			v.noParamGrads = on
		case *Dense:
			v.noParamGrads = on
		}
	}
}

// BackwardWith back-propagates dy after a Forward (training or not) as the
// options say. dy has the model's output shape; with FromLogits it is the
// gradient with respect to the last layer's pre-activation. Afterwards
// Gradient returns the gradient of the input (when StopAt is "" or
// InputName) and of every layer's output the pass computed. It returns an
// error for an unknown layer name or an output activation FromLogits cannot
// skip; wrong shapes panic (programmer errors).
func (m *Sequential) BackwardWith(dy *Tensor, o BackwardOptions) error {
	last := len(m.layers) - 1
	if m.outs == nil || m.x == nil {
		panic("nn: BackwardWith: no Forward pass to go back from")
	}
	if !slices.Equal(dy.Shape, m.outs[last].Shape) {
		panic(fmt.Sprintf("nn: BackwardWith: expected gradient shape %s, received %s", shapeString(m.outs[last].Shape), shapeString(dy.Shape)))
	}
	stop, err := m.layerIndex(o.StopAt)
	if err != nil {
		return err
	}
	keep := make([]bool, len(m.layers))
	for _, name := range o.Keep {
		i, err := m.layerIndex(name)
		if err != nil {
			return err
		}
		if i >= 0 {
			keep[i] = true
		}
	}
	if stop >= 0 {
		keep[stop] = true
	}
	if m.grads == nil {
		m.grads = make([]*Tensor, len(m.layers))
	}
	bo := &m.bo
	bo.valid = slices.Grow(bo.valid[:0], len(m.layers))[:len(m.layers)]
	clear(bo.valid)
	bo.dxOK = false
	if o.NoParamGrads {
		m.setNoParamGrads(true)
		defer m.setNoParamGrads(false)
	}

	g, top := dy, last
	var saved *activation
	var savedAct activation
	if o.FromLogits {
		act := layerAct(m.layers[last])
		switch {
		case m.layers[last].Kind() == "Activation":
			if last == 0 {
				return fmt.Errorf("nn: FromLogits: the model is a single Activation layer")
			}
			top-- // dy is the gradient of the Activation's input
			if stop == last {
				return fmt.Errorf("nn: FromLogits: expected StopAt below the output Activation %s", m.layers[last].Name())
			}
			dst := m.grad(top)
			copy(dst.Data, dy.Data)
			g = dst
			bo.valid[top] = true
		case act != nil && *act == actSoftmax:
			if _, ok := m.layers[last].(*Dense); !ok {
				return fmt.Errorf("nn: FromLogits: expected a Dense or Activation output layer with softmax, received %s", m.layers[last].Kind())
			}
			fallthrough
		case act != nil:
			saved, savedAct = act, *act
			*act = actLinear
			defer func() { *saved = savedAct }()
		}
	}
	for i := top; i > stop; i-- {
		f, p := (poolFuser)(nil), (*MaxPooling2D)(nil)
		if i-1 > stop && !keep[i-1] {
			f, p = m.fused(i - 1)
		}
		layer := i
		if f != nil {
			layer = i - 1 // the pair (i-1, i): no gradient for layer i-1's output
		}
		if o.Guided {
			if a := layerAct(m.layers[layer]); a != nil && *a == actReLU && !(layer == last && saved != nil) {
				if g == dy { // never clamp the caller's tensor
					if bo.dy == nil || !slices.Equal(bo.dy.Shape, dy.Shape) {
						bo.dy = NewTensor(dy.Shape...)
					}
					copy(bo.dy.Data, dy.Data)
					g = bo.dy
				}
				for k, v := range g.Data {
					g.Data[k] = max(v, 0)
				}
			}
		}
		in, dx := m.x, (*Tensor)(nil)
		if layer > 0 {
			in, dx = m.outs[layer-1], m.grad(layer-1)
		} else {
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

// inputGrad returns the buffer for the gradient of the input, sized for the
// last Forward's batch.
func (m *Sequential) inputGrad() *Tensor {
	if m.bo.dx == nil || !slices.Equal(m.bo.dx.Shape, m.x.Shape) {
		m.bo.dx = NewTensor(m.x.Shape...)
	}
	m.bo.dxOK = true
	return m.bo.dx
}

// Gradient returns the gradient of the named layer's output (or of the
// input, for InputName) computed by the last BackwardWith, or nil if that
// pass did not compute it. The tensor belongs to the model.
func (m *Sequential) Gradient(name string) *Tensor {
	i, err := m.layerIndex(name)
	if err != nil || name == "" {
		return nil
	}
	v := m.bo.valid
	if i < 0 {
		if m.bo.dxOK {
			return m.bo.dx
		}
		return nil
	}
	if i < len(v) && v[i] {
		return m.grads[i]
	}
	return nil
}

// Output returns the named layer's output (or the input, for InputName)
// from the last Forward, or nil for an unknown name. The tensor belongs to
// the model.
func (m *Sequential) Output(name string) *Tensor {
	i, err := m.layerIndex(name)
	if err != nil || name == "" {
		return nil
	}
	if i < 0 {
		return m.x
	}
	if m.outs == nil {
		return nil
	}
	return m.outs[i]
}

// Logits returns the last layer's pre-activation z for the last Forward
// (shape (n, units)): for a Dense or Conv2D output layer with a linear
// activation its output; for a Dense layer with another activation
// z = x·W + b, recomputed in float64 from its input; for an Activation
// output layer, its input. Explanations score a class by its logit, not by
// its probability (see BackwardOptions.FromLogits).
func (m *Sequential) Logits() (*Tensor, error) {
	if m.outs == nil {
		return nil, fmt.Errorf("nn: Logits: no Forward pass")
	}
	last := len(m.layers) - 1
	l := m.layers[last]
	in := m.x
	if last > 0 {
		in = m.outs[last-1]
	}
	if l.Kind() == "Activation" {
		return in.Clone(), nil
	}
	act := layerAct(l)
	if act == nil || *act == actLinear {
		return m.outs[last].Clone(), nil
	}
	d, ok := l.(*Dense)
	if !ok {
		return nil, fmt.Errorf("nn: Logits: expected a Dense, Activation or linear output layer, received %s with %s", l.Kind(), act)
	}
	z := NewTensor(m.outs[last].Shape...)
	acc := make([]float64, d.units)
	for n := 0; n < in.Batch(); n++ {
		for j := range acc {
			acc[j] = 0
			if d.bias != nil {
				acc[j] = float64(d.bias.Value[j])
			}
		}
		for i, v := range in.Sample(n) {
			if v == 0 {
				continue
			}
			row := d.kernel.Value[i*d.units : (i+1)*d.units]
			for j, w := range row {
				acc[j] += float64(v) * float64(w)
			}
		}
		for j, v := range acc {
			z.Data[n*d.units+j] = float32(v)
		}
	}
	return z, nil
}
