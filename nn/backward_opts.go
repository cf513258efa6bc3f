package nn

import "fmt"

// InputName names the model's input where a layer name is expected
// (Sequential.Grad, Sequential.Output), as GraphInput does for graphs.
const InputName = GraphInput

// Sequential.BackwardWith is Graph.BackwardWith on the model's chain, with
// the same BackwardOptions (graph_exec.go), so one explanation package
// serves both:
//   - From: the layers whose output gradients dys are (default: the last);
//   - StopAt: the pass ends once that layer's output gradient is complete
//     (Grad-CAM reads it there); the layers below it cost nothing (an
//     explicit pass never fuses a Conv2D with its pooling, so every
//     layer's output gradient exists);
//   - SkipWeights: Param.Grad is left as it was; Dense and Conv2D skip
//     their weight-gradient products (about half of a training backward
//     pass), as in Graph;
//   - InputGrad: also the gradient of the input, Grad(InputName);
//   - FromLogits: dys are gradients of the From nodes' pre-activation z
//     (their logits), not of their outputs f(z): a node's activation is
//     skipped, an Activation or Softmax node entirely (its gradient is
//     then its input's). Use it with Logits: a sigmoid's slope vanishes
//     for confident predictions and would flatten every map;
//   - Guided: the guided-backprop rule at every ReLU (Springenberg et al.
//     2015, "Striving for simplicity", eq. 6): only positive gradients
//     pass back, dz = max(dy, 0) ⊙ [y > 0]. The output gradients of ReLU
//     nodes are clamped in place, so Grad returns the clamped values.

// layerAct returns a pointer to a layer's activation (Conv2D, Dense,
// Activation, Softmax), or nil for layers without one.
func layerAct(l LayerBase) *activation {
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

// BackwardWith back-propagates dys after a Forward (training or not) as
// the options say (see above), on the model's chain (Graph.BackwardWith).
// Afterwards Grad returns every layer output gradient the pass computed
// (and the input's, with InputGrad). Errors report unknown layer names, a
// wrong number or shape of gradients, or a From layer FromLogits cannot see
// through.
func (m *Sequential) BackwardWith(o BackwardOptions, dys ...*Tensor) error {
	if m.outs == nil {
		return fmt.Errorf("nn: Sequential.BackwardWith: call Forward first")
	}
	return m.g.BackwardWith(o, dys...)
}

// fromLogits prepares a FromLogits pass (Graph.backward calls it): the
// From nodes (default: the outputs) that are Activation or Softmax layers
// are replaced by their input nodes, and the others' activations are made
// linear until restore is called. o.From is rewritten and FromLogits
// cleared.
func (g *Graph) fromLogits(o *BackwardOptions) (restore func(), err error) {
	from := o.From
	if len(from) == 0 {
		from = g.OutputNames()
	}
	names := make([]string, len(from))
	var saved []*activation
	var acts []activation
	restore = func() {
		for i, a := range saved {
			*a = acts[i]
		}
	}
	for i, name := range from {
		n := g.byName[name]
		if n == nil {
			restore()
			return nil, fmt.Errorf("nn: Graph.Backward: From: %q is not a node of the graph", name)
		}
		names[i] = name
		kind := n.base().Kind()
		a := layerAct(n.base())
		switch {
		case kind == "Activation" || kind == "Softmax":
			if len(n.in) != 1 || n.in[0] == g.inNode {
				restore()
				return nil, fmt.Errorf("nn: Graph.Backward: FromLogits: the logits of %s are the model's input", name)
			}
			names[i] = n.in[0].name
		case a == nil:
			// No activation (GlobalAveragePooling2D ending SqueezeNet, a
			// Flatten, an Add): the node's output already is the logits.
		default:
			saved, acts = append(saved, a), append(acts, *a)
			*a = actLinear
		}
	}
	o.From, o.FromLogits = names, false
	return restore, nil
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
func isReLU(l LayerBase) bool {
	if a := layerAct(l); a != nil {
		return *a == actReLU || *a == actReLU6
	}
	r, ok := l.(*ReLU)
	return ok && r.op == pwReLU && r.b == 0
}
