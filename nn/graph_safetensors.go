package nn

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// model is what the safetensors code needs of a Sequential or a Graph.
type model interface {
	InputShape() []int
	OutputShape() []int
	Weights() []*Param
	archJSON() ([]byte, error)
	WeightsChanged()
}

func (g *Graph) archJSON() ([]byte, error) { return g.Arch().MarshalJSON() }

// WriteGraph writes g's weights and architecture with meta to w in the
// safetensors format (FORMAT.md), as Write does for a Sequential model:
// tensors "<node>/<weight>" in Keras' layouts, in topological order
// (BatchNormalization's moving statistics included); the architecture is
// Keras' functional JSON (see GraphArch).
func WriteGraph(w io.Writer, g *Graph, meta Metadata) error {
	g.mustBeBuilt("WriteGraph")
	kv, err := encodeMeta(g, meta)
	if err != nil {
		return err
	}
	return writeModel(w, g, kv, nil)
}

// SaveGraphFile writes g to path as WriteGraph does, atomically (see
// SaveFile).
func SaveGraphFile(path string, g *Graph, meta Metadata) error {
	g.mustBeBuilt("SaveGraphFile")
	return saveFile(path, g, meta, nil)
}

// LoadGraph reads a model written by WriteGraph, or by Write (a Sequential
// model, which becomes a chain), and builds it. Anything wrong with the
// input is returned as an error; nothing large is allocated before the
// input is known to hold the data it declares (see Load).
func LoadGraph(r io.Reader) (*Graph, Metadata, error) {
	return loadGraph(newBufReader(r), readerSize(r))
}

// LoadGraphFile reads a model file as LoadGraph does.
func LoadGraphFile(path string) (*Graph, Metadata, error) {
	return loadFile(path, loadGraph)
}

func loadGraph(r io.Reader, size int64) (*Graph, Metadata, error) {
	h, r, err := readModelHeader(r, size)
	if err != nil {
		return nil, Metadata{}, err
	}
	kv := h.Meta
	var arch GraphArch
	if isGraphJSON([]byte(kv["arch"])) {
		arch, err = ParseGraphArch([]byte(kv["arch"]))
	} else {
		var seq Arch
		seq, err = ParseArch([]byte(kv["arch"]))
		arch = seq.GraphArch()
	}
	if err != nil {
		return nil, Metadata{}, fmt.Errorf("nn: model file: %w", err)
	}
	var in []int
	if err := json.Unmarshal([]byte(kv["input_shape"]), &in); err != nil || !slices.Equal(in, arch.InputShape) {
		return nil, Metadata{}, fmt.Errorf("nn: model file: input_shape %q does not match the architecture's %s", stExcerpt(kv["input_shape"]), shapeString(arch.InputShape))
	}
	if int64(shapeSize(arch.InputShape)) > maxInputSize {
		return nil, Metadata{}, fmt.Errorf("nn: model file: input_shape %s is larger than %d values", shapeString(arch.InputShape), maxInputSize)
	}
	var total int64
	for _, t := range h.Tensors {
		total += (t.End - t.Begin) / int64(dtypeSizes[t.DType])
	}
	g, err := arch.build(total)
	if err != nil {
		return nil, Metadata{}, fmt.Errorf("nn: model file: %w", err)
	}
	meta, err := decodeMeta(kv)
	if err != nil {
		return nil, Metadata{}, err
	}
	if meta, err = completeMeta(g, meta); err != nil {
		return nil, Metadata{}, err
	}
	if err := readWeights(r, h, g, nil); err != nil {
		return nil, Metadata{}, err
	}
	return g, meta, nil
}

// build is Build with a budget: a layer whose weights would take more than
// the file's values values is refused before it allocates them, so a
// corrupt or hostile file cannot make loading allocate gigabytes.
func (a GraphArch) build(values int64) (*Graph, error) {
	return a.assemble("graph", values, true) // loadGraph reads every weight next
}

// checkBudget counts the weights layer l will allocate for its inputs'
// shapes against g.budget, and bounds its output's size.
func (g *Graph) checkBudget(n *node, shapes [][]int) error {
	var need float64
	ch := func(s []int) float64 { return float64(s[len(s)-1]) }
	switch l := n.base().(type) {
	case *Conv2D:
		need = float64(l.kernelSize[0]) * float64(l.kernelSize[1]) * ch(shapes[0]) / float64(max(l.groups, 1)) * float64(l.filters)
	case *Dense:
		need = float64(shapeSize(shapes[0])) * float64(l.units)
	case *BatchNormalization:
		need = 4 * ch(shapes[0])
	}
	g.spent += need
	if g.spent > float64(g.budget) {
		return fmt.Errorf("node %q (%s) needs more weights than the file holds (%d values)", n.name, n.base().Kind(), g.budget)
	}
	return nil
}
