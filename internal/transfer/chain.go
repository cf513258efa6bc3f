package transfer

import (
	"fmt"

	"github.com/convscope/convscope/nn"
)

// Sequential returns the whole model (Full) as a Sequential model with
// the same weights, when it is a chain (each node reads the one before
// it), as it always is for a Sequential base: what can be shown and
// trained where only Sequential models go. It returns an error for a
// graph with branches.
func (m *Model) Sequential() (*nn.Sequential, error) {
	if err := m.SyncFull(); err != nil {
		return nil, err
	}
	a := m.Full.Arch()
	arch := nn.Arch{InputShape: a.InputShape}
	prev := nn.GraphInput
	for _, n := range a.Nodes {
		if len(n.Inputs) != 1 || n.Inputs[0] != prev {
			return nil, fmt.Errorf("transfer: the model is not a chain (%s reads %v)", n.Layer.Name, n.Inputs)
		}
		arch.Layers = append(arch.Layers, n.Layer)
		prev = n.Layer.Name
	}
	net, err := arch.Build()
	if err != nil {
		return nil, err
	}
	if err := CopyInto(net, m.Full); err != nil {
		return nil, err
	}
	return net, nil
}

// CopyInto copies g's weights into net, a Sequential model of the same
// chain (from Sequential), by tensor name.
func CopyInto(net *nn.Sequential, g *nn.Graph) error {
	by := map[string]*nn.Param{}
	for _, p := range g.Weights() {
		by[p.Name] = p
	}
	for _, p := range net.Weights() {
		q := by[p.Name]
		if q == nil || len(q.Value) != len(p.Value) {
			return fmt.Errorf("transfer: weight %s: not in the graph, or of another size", p.Name)
		}
		copy(p.Value, q.Value)
	}
	return nil
}
