package nn

import "fmt"

// What a backward pass leaves to read: layer outputs, their gradients and
// the output layer's logits (see BackwardOptions).

// Grad returns the gradient of the named layer's output (or of the input,
// for InputName) computed by the last BackwardWith, or nil if that pass did
// not compute it (layers below StopAt, the input without InputGrad). The
// tensor belongs to the model.
func (m *Sequential) Grad(name string) *Tensor { return m.g.Grad(name) }

// Output returns the named layer's output (or the input, for InputName)
// from the last Forward, or nil for an unknown name. The tensor belongs to
// the model.
func (m *Sequential) Output(name string) *Tensor { return m.g.Output(name) }

// Logits returns the last layer's pre-activation z for the last Forward
// (Graph.Logits).
func (m *Sequential) Logits() (*Tensor, error) { return m.g.Logits() }

// Logits returns the pre-activation z of the graph's single output for
// the last Forward, shape (n, units): for a node without activation (or a
// linear one) its output; for a Dense node with another activation
// z = x·W + b, recomputed in float64 from its input; for an Activation or
// Softmax node, its input. Explanations score a class by its logit, not by
// its probability (see BackwardOptions.FromLogits).
func (g *Graph) Logits() (*Tensor, error) {
	if g.batch == 0 {
		return nil, fmt.Errorf("nn: Logits: call Forward first")
	}
	if len(g.outs) != 1 {
		return nil, fmt.Errorf("nn: Logits: expected a graph with one output, received %d", len(g.outs))
	}
	n := g.outs[0]
	l := n.base()
	if k := l.Kind(); k == "Activation" || k == "Softmax" {
		return n.in[0].out.Clone(), nil
	}
	act := layerAct(l)
	if act == nil || *act == actLinear {
		return n.out.Clone(), nil
	}
	d, ok := l.(*Dense)
	if !ok {
		return nil, fmt.Errorf("nn: Logits: expected a Dense, Activation or Softmax output, or one without activation, received %s with %s", l.Kind(), act)
	}
	in := n.in[0].out
	z := NewTensor(n.out.Shape...)
	acc := make([]float64, d.units)
	for s := 0; s < in.Batch(); s++ {
		for j := range acc {
			acc[j] = 0
			if d.bias != nil {
				acc[j] = float64(d.bias.Value[j])
			}
		}
		for i, v := range in.Sample(s) {
			if v == 0 {
				continue
			}
			row := d.kernel.Value[i*d.units : (i+1)*d.units]
			for j, w := range row {
				acc[j] += float64(v) * float64(w)
			}
		}
		for j, v := range acc {
			z.Data[s*d.units+j] = float32(v)
		}
	}
	return z, nil
}
