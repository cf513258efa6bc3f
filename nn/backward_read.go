package nn

import "fmt"

// What a backward pass leaves to read: layer outputs, their gradients and
// the output layer's logits (see BackwardOptions).

// Grad returns the gradient of the named layer's output (or of the input,
// for InputName) computed by the last BackwardWith, or nil if that pass did
// not compute it (layers below StopAt, a Conv2D that ran fused with its
// pooling, the input without InputGrad). The tensor belongs to the model.
func (m *Sequential) Grad(name string) *Tensor {
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
// or Softmax output layer, its input. Explanations score a class by its logit, not by
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
	if k := l.Kind(); k == "Activation" || k == "Softmax" {
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
