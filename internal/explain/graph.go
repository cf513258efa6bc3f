package explain

import (
	"fmt"
	"math/rand"

	"github.com/convscope/convscope/nn"
)

// graphModel adapts *nn.Graph (one output) to Randomizable; the graph
// engine provides the logits and FromLogits (nn.Graph.Logits).
type graphModel struct {
	netModel
	g *nn.Graph
}

// FromGraph wraps a built graph with one output for the methods; like
// FromSequential, the explanation runs on g itself.
func FromGraph(g *nn.Graph) (Randomizable, error) {
	outs := g.OutputNames()
	if len(outs) != 1 {
		return nil, fmt.Errorf("explain: expected a graph with one output, received %d (%v)", len(outs), outs)
	}
	m := &graphModel{netModel: netModel{net: g}, g: g}
	geo := map[string]Geometry{nn.GraphInput: {Jump: [2]float64{1, 1}, Known: true}}
	shapes := map[string][]int{nn.GraphInput: g.InputShape()}
	for _, info := range g.Nodes() {
		var gm Geometry
		var in []int
		if len(info.Inputs) > 0 { // merges: the first input's grid (they agree)
			gm, in = geo[info.Inputs[0]], shapes[info.Inputs[0]]
		}
		gm = nextGeometry(gm, info.Layer.Config(), in, info.OutputShape)
		geo[info.Name], shapes[info.Name] = gm, info.OutputShape
		m.nodes = append(m.nodes, Node{Name: info.Name, Kind: info.Kind, Shape: info.OutputShape, HasParams: info.Params > 0, Geom: gm})
	}
	return m, nil
}

// SaveWeights copies every weight (BatchNormalization's statistics too).
func (m *graphModel) SaveWeights() (restore func()) {
	return saveParams(m.g.Weights(), m.g.WeightsChanged)
}

// Randomize redraws one node's weights with its initialiser.
func (m *graphModel) Randomize(layer string, seed int64) error {
	info, ok := m.g.Node(layer)
	if !ok {
		return fmt.Errorf("explain: no node %q", layer)
	}
	in, ok := info.Layer.(nn.Initializer)
	if !ok {
		return fmt.Errorf("explain: node %s (%s) has no weights to randomise", layer, info.Kind)
	}
	in.Init(rand.New(rand.NewSource(seed)))
	return nil
}
