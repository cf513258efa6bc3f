package nn

import "fmt"

// SetTrainable freezes (trainable = false) or unfreezes the named node, as
// setting Keras' layer.trainable:
//
//   - a frozen node's weights leave Params (and CountParams), so an
//     optimizer given Params never changes them, and Backward computes no
//     gradient for them unless a trainable node below needs the gradient
//     to flow through;
//   - a frozen node runs in inference mode even in a training Forward:
//     BatchNormalization normalises with its moving statistics and leaves
//     them unchanged, Dropout passes its input through. This is Keras'
//     rule for a frozen BatchNormalization since TensorFlow 2.0
//     (keras.io/guides/transfer_learning, "BatchNormalization layer").
//
// Weights keeps every weight, frozen or not: a model file holds them all.
// Optimizers bind to the parameters of their first Step: Reset an
// optimizer (or use a new one) after changing what is trainable.
func (g *Graph) SetTrainable(name string, trainable bool) error {
	n := g.byName[name]
	if n == nil {
		return fmt.Errorf("nn: graph: SetTrainable: %q is not a node of the graph", name)
	}
	n.frozen = !trainable
	if g.built {
		g.collectParams()
	}
	return nil
}

// Trainable reports whether the named node is trainable (not frozen by
// SetTrainable); false for an unknown name.
func (g *Graph) Trainable(name string) bool {
	n := g.byName[name]
	return n != nil && !n.frozen
}

// collectParams sets every node's and the graph's trainable parameters,
// in topological order, leaving frozen nodes out.
func (g *Graph) collectParams() {
	g.params = nil
	for _, n := range g.order {
		n.params = nil
		if !n.frozen {
			n.params = n.base().Params()
		}
		g.params = append(g.params, n.params...)
	}
	g.swapped, g.skipBuf, g.skipping = nil, nil, false // sized for the old set
}
