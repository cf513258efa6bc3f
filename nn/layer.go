package nn

// Param is one trainable weight tensor of a layer together with its gradient.
//
// Shapes follow Keras' layouts: a Conv2D kernel is (kh, kw, cin, cout), a Dense
// kernel is (in, out), biases are (out,).
type Param struct {
	// Name is the full tensor name "<layer>/<weight>", e.g. "conv2d_1/kernel".
	// The layer sets the weight part; Sequential prefixes the layer name.
	Name  string
	Shape []int
	Value []float32
	// Grad holds dLoss/dValue after Sequential.Backward.
	Grad []float32
}

// newParam allocates a zeroed parameter and its gradient.
func newParam(name string, shape ...int) *Param {
	n := shapeSize(shape)
	return &Param{Name: name, Shape: append([]int(nil), shape...), Value: make([]float32, n), Grad: make([]float32, n)}
}

// Layer is one step of a Sequential model. Shapes passed to Build exclude the
// batch dimension; tensors passed to Forward and Backward include it.
//
// The contract, which Sequential relies on:
//   - Build is called once, before anything else, with the per-sample input
//     shape. It validates it (returning an error that says "expected …,
//     received …"), allocates parameters and returns the per-sample output shape.
//   - Forward writes the layer's output for the batch x into y, which has the
//     output shape with the same batch size. training enables training-only
//     behaviour (Dropout). Forward must not allocate once it has seen a batch
//     size (scratch space is sized on first use and reused).
//   - Backward is called after a Forward with training=true on the same x and y.
//     Given dy = dLoss/dy it overwrites every Param.Grad with dLoss/dParam for
//     the batch and, when dx is non-nil, writes dLoss/dx into dx.
//   - Wrong tensor shapes at Forward/Backward are programmer errors and panic.
type Layer interface {
	LayerBase
	Build(inputShape []int) (outputShape []int, err error)
	Forward(y, x *Tensor, training bool)
	Backward(dx, dy, x, y *Tensor)
}

// LayerBase is what every layer has, whatever its number of inputs: Layer
// (one input) and MergeLayer (several, as Add and Concatenate) embed it, and
// Graph.Add takes either.
type LayerBase interface {
	// Name is the unique Keras-style name, e.g. "conv2d_1". It is empty
	// until set by SetName (Sequential and Graph name unnamed layers
	// automatically).
	Name() string
	SetName(name string)
	// Kind is the Keras class name, e.g. "Conv2D" or "MaxPooling2D".
	Kind() string
	// Params returns the trainable parameters in Keras order (kernel, bias);
	// nil for layers without weights.
	Params() []*Param
	// Config returns the layer's architecture description (see arch.go).
	Config() LayerConfig
}

// MergeLayer is a layer with several inputs (Keras' merging layers: Add,
// Concatenate). The contract is Layer's, with one tensor per input:
// BuildMerge gets every input's per-sample shape, ForwardMerge reads
// xs[i], and BackwardMerge writes dLoss/dxs[i] into dxs[i] (overwriting
// it) for every non-nil dxs[i].
type MergeLayer interface {
	LayerBase
	BuildMerge(inputShapes [][]int) (outputShape []int, err error)
	ForwardMerge(y *Tensor, xs []*Tensor, training bool)
	BackwardMerge(dxs []*Tensor, dy *Tensor, xs []*Tensor, y *Tensor)
}

// Stateful is implemented by layers with non-trainable weights, such as
// BatchNormalization's moving mean and variance (Keras'
// non_trainable_weights): they are saved and loaded with the model, in
// Keras' weight order after Params, but optimizers never touch them (their
// Param.Grad is nil).
type Stateful interface {
	State() []*Param
}

// layerWeights returns every weight of l, trainable first, in Keras'
// get_weights() order (BatchNormalization: gamma, beta, moving_mean,
// moving_variance).
func layerWeights(l LayerBase) []*Param {
	ps := l.Params()
	if s, ok := l.(Stateful); ok {
		ps = append(append([]*Param(nil), ps...), s.State()...)
	}
	return ps
}

// Initializer is implemented by layers whose weights need a seeded
// initialisation (Keras: glorot_uniform kernels, zero biases).
type Initializer interface {
	// Init draws fresh weights from rng.
	Init(rng Rand)
}

// Seeder is implemented by layers with their own randomness (Dropout).
type Seeder interface {
	Seed(seed int64)
}

// RandStater is implemented by layers whose random stream is part of the
// training state (Dropout): checkpoints save and restore it.
type RandStater interface {
	RandState() ([]byte, error)
	SetRandState([]byte) error
}

// Rand is the subset of *math/rand.Rand the layers need.
type Rand interface {
	Float64() float64
}
