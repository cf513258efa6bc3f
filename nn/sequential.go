package nn

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"unicode"
)

// Sequential is a linear stack of layers, as keras.Sequential. It runs as a
// chain on the Graph executor (Sequential.Graph is that chain), which owns
// one output buffer per layer (and one gradient buffer per layer for
// training), so every layer's activation is available after a forward pass
// at no extra cost, and runs a Conv2D and the 2×2 MaxPooling2D after it
// fused.
//
// A Sequential is not safe for concurrent use; give each goroutine its own
// copy (see CopyWeightsFrom).
type Sequential struct {
	name    string
	input   []int // per-sample input shape, e.g. (150, 150, 3)
	layers  []Layer
	shapes  [][]int // per-sample output shape of each layer
	params  []*Param
	weights []*Param // params and non-trainable state (see Stateful)
	eng     Engine   // how the layers compute (SetEngine)

	g    *Graph    // the chain that runs the layers (Sequential.Graph)
	outs []*Tensor // outs[i] is layers[i]'s output, from the graph
}

// NewSequential builds a model for per-sample inputs of shape input. Layers
// without a name get Keras' automatic one (conv2d_1, max_pooling2d_1, …,
// dense_2), shapes are checked eagerly, and weights are initialised with
// seed 0 (call Init to choose another seed).
func NewSequential(input []int, layers ...Layer) (*Sequential, error) {
	return newSequential(input, layers, true, nil)
}

// newSequential is NewSequential; with draw false it leaves every weight
// zero instead of drawing Keras' initial values (Glorot-uniform kernels, …),
// for a caller that fills all of them next (Load reads them from a file:
// drawing them first cost ≈ 40 ms of the app's start for the default
// model). Dropout layers are seeded either way, as Init seeds them.
//
// built, when not nil, holds each layer's output shape from a Build already
// done (Load's size check builds the layers one by one, refusing a file
// before it allocates what the file cannot fill): those layers are not
// built again.
func newSequential(input []int, layers []Layer, draw bool, built [][]int) (*Sequential, error) {
	if len(input) == 0 {
		return nil, fmt.Errorf("nn: input shape must not be empty")
	}
	if len(layers) == 0 {
		return nil, fmt.Errorf("nn: a Sequential model needs at least one layer")
	}
	for _, d := range input {
		if d <= 0 {
			return nil, fmt.Errorf("nn: input shape %s has a non-positive dimension", shapeString(input))
		}
	}
	m := &Sequential{name: "sequential_1", input: append([]int(nil), input...), layers: layers}
	counts := map[string]int{}
	used := map[string]bool{}
	for _, l := range layers {
		if l.Name() != "" {
			used[l.Name()] = true
		}
	}
	shape := m.input
	var kept float64
	for i, l := range layers {
		if l.Name() == "" {
			base := snakeCase(l.Kind())
			for {
				counts[base]++
				name := fmt.Sprintf("%s_%d", base, counts[base])
				if !used[name] {
					l.SetName(name)
					used[name] = true
					break
				}
			}
		}
		var out []int
		var err error
		if built != nil {
			out = built[i]
		} else if out, err = l.Build(shape); err != nil {
			return nil, fmt.Errorf("nn: layer %d (%s, %s): %w", i+1, l.Name(), l.Kind(), err)
		}
		m.shapes = append(m.shapes, out)
		// Every layer's output is kept (Outputs): bound their sum per sample
		// as Graph.Build bounds a file's graph, so that the first Forward
		// cannot allocate gigabytes.
		kept += float64(shapeSize(out))
		if kept > maxKeptValues {
			return nil, fmt.Errorf("nn: layer %d (%s, %s): output %s is too large: expected the outputs kept for one sample to hold at most %d values, received %.0f", i+1, l.Name(), l.Kind(), shapeString(out), maxKeptValues, kept)
		}
		for _, p := range layerWeights(l) {
			if !strings.Contains(p.Name, "/") {
				p.Name = l.Name() + "/" + p.Name
			}
			m.weights = append(m.weights, p)
		}
		m.params = append(m.params, l.Params()...)
		shape = out
	}
	if len(used) != len(layers) {
		return nil, fmt.Errorf("nn: layer names must be unique")
	}
	if err := checkParams("nn: model", float64(m.CountParams())); err != nil {
		return nil, err
	}
	m.init(0, draw)
	m.g = m.Graph()
	return m, nil
}

// snakeCase turns a Keras class name into its automatic-name prefix, as
// Keras does (keras/src/utils/naming.py, to_snake_case: "(.)([A-Z][a-z]+)"
// → "\1_\2", then "([a-z])([A-Z])" → "\1_\2", lower-cased): an underscore
// before each upper-case letter, not the first, that follows a lower-case
// one or starts a word (is followed by a lower-case one):
// "MaxPooling2D" → "max_pooling2d", "Conv2D" → "conv2d", "ReLU" → "re_lu",
// "Conv2DTranspose" → "conv2d_transpose", "Res2Block" → "res2_block".
func snakeCase(kind string) string {
	var b strings.Builder
	r := []rune(kind)
	for i, c := range r {
		if unicode.IsUpper(c) && i > 0 && (unicode.IsLower(r[i-1]) || (i+1 < len(r) && unicode.IsLower(r[i+1]))) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

// Name is the model's name ("sequential_1").
func (m *Sequential) Name() string { return m.name }

// Layers returns the layers in order.
func (m *Sequential) Layers() []Layer { return m.layers }

// InputShape returns the per-sample input shape.
func (m *Sequential) InputShape() []int { return m.input }

// OutputShape returns the per-sample output shape of the whole model.
func (m *Sequential) OutputShape() []int { return m.shapes[len(m.shapes)-1] }

// LayerOutputShape returns the per-sample output shape of layer i.
func (m *Sequential) LayerOutputShape(i int) []int { return m.shapes[i] }

// Params returns every trainable parameter in layer order, named
// "<layer>/kernel" and "<layer>/bias".
func (m *Sequential) Params() []*Param { return m.params }

// Weights returns every weight, trainable or not (BatchNormalization's
// moving statistics), in layer order: what a model file holds.
func (m *Sequential) Weights() []*Param { return m.weights }

func (m *Sequential) archJSON() ([]byte, error) { return m.Arch().MarshalJSON() }

// CountParams returns the total number of trainable values.
func (m *Sequential) CountParams() int {
	n := 0
	for _, p := range m.params {
		n += len(p.Value)
	}
	return n
}

// Init draws fresh weights with the given seed: Glorot-uniform kernels and
// zero biases (Keras' defaults). The same seed gives the same weights. It
// also restarts the random stream of every layer that has one (Dropout):
// layer i (0-based) is seeded with seed+i+1.
func (m *Sequential) Init(seed int64) { m.init(seed, true) }

// init is Init; with draw false it only seeds the layers that draw at run
// time (Dropout) and leaves the weights as they are.
func (m *Sequential) init(seed int64, draw bool) {
	var rng *rand.Rand
	if draw {
		rng = rand.New(rand.NewSource(seed))
	}
	for i, l := range m.layers {
		if in, ok := l.(Initializer); ok && draw {
			in.Init(rng)
		}
		if s, ok := l.(Seeder); ok {
			s.Seed(seed + int64(i) + 1)
		}
	}
}

// CopyWeightsFrom copies every parameter value from src, which must have the
// same architecture. Use it to snapshot a model that is training on another
// goroutine (call it from that goroutine, e.g. in a batch callback).
func (m *Sequential) CopyWeightsFrom(src *Sequential) error {
	if err := copyWeights(m.weights, src.weights); err != nil {
		return err
	}
	m.WeightsChanged()
	return nil
}

// copyWeights copies the values of src into dst, tensor by tensor, after
// checking that the counts agree; it stops at the first tensor whose shape
// differs (those before it are copied).
func copyWeights(dst, src []*Param) error {
	if len(src) != len(dst) {
		return fmt.Errorf("nn: copy weights: expected %d tensors, received %d", len(dst), len(src))
	}
	for i, p := range dst {
		q := src[i]
		if !slices.Equal(p.Shape, q.Shape) {
			return fmt.Errorf("nn: copy weights: %s: expected shape %s, received %s", p.Name, shapeString(p.Shape), shapeString(q.Shape))
		}
		copy(p.Value, q.Value)
	}
	return nil
}

// Forward runs the batch x (shape (n, input...)) through every layer and
// returns the last layer's output. The returned tensor, like every layer's
// output (see Outputs), belongs to the model and is overwritten by the next
// call. training enables Dropout. It panics if x has the wrong shape.
func (m *Sequential) Forward(x *Tensor, training bool) *Tensor {
	if len(x.Shape) != len(m.input)+1 || !slices.Equal(x.Shape[1:], m.input) {
		panic(fmt.Sprintf("nn: Forward: expected input shape (n, %s), received %s", strings.Trim(shapeString(m.input), "(),"), shapeString(x.Shape)))
	}
	y := m.g.Forward(x, training)
	if len(m.outs) != len(m.layers) {
		m.outs = make([]*Tensor, len(m.layers))
	}
	for i, n := range m.g.order {
		m.outs[i] = n.out
	}
	return y
}

// poolFuser is a layer that can run the MaxPooling2D after it in the same
// pass (Conv2D on its direct path before a 2×2 pooling, conv2d_pool.go):
// forwardPooled computes both outputs; backwardPooled starts from the
// pooling layer's output gradient, so the gradient of the layer's own output
// is never materialised.
type poolFuser interface {
	fusesWith(p *MaxPooling2D) bool
	forwardPooled(y, yp, x *Tensor, p *MaxPooling2D, training bool)
	backwardPooled(dx, dyp, x, y, yp *Tensor, p *MaxPooling2D)
}

// fused returns layer i as a poolFuser, and the pooling layer i+1, when the
// two run fused; nil otherwise.
func (m *Sequential) fused(i int) (poolFuser, *MaxPooling2D) {
	if n := m.g.order[i]; n.fusedPool != nil {
		return n.fuser, n.fusedPool.layer.(*MaxPooling2D)
	}
	return nil, nil
}

// Outputs returns every layer's output from the last Forward, in layer order
// (the tutorial's multi-output "activation model"). The tensors belong to the
// model; Clone them to keep them past the next call.
func (m *Sequential) Outputs() []*Tensor { return m.outs }

// Activations runs x in inference mode and returns every layer's output
// (Keras: Model(inputs, [l.output for l in layers]).predict(x)), in one pass.
func (m *Sequential) Activations(x *Tensor) []*Tensor {
	m.Forward(x, false)
	return m.outs
}

// Predict runs x in inference mode and returns the model's output.
func (m *Sequential) Predict(x *Tensor) *Tensor { return m.Forward(x, false) }

// Backward back-propagates dy = dLoss/d(output) through the model after a
// Forward(x, true) and leaves dLoss/dParam in every Param.Grad.
func (m *Sequential) Backward(dy *Tensor) {
	if m.outs == nil {
		panic("nn: Backward: call Forward first")
	}
	last := m.outs[len(m.outs)-1]
	if !slices.Equal(dy.Shape, last.Shape) {
		panic(fmt.Sprintf("nn: Backward: expected gradient shape %s, received %s", shapeString(last.Shape), shapeString(dy.Shape)))
	}
	m.g.Backward(dy)
}
