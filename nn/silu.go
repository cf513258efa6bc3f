package nn

// SiLU is the sigmoid-weighted linear unit, x·σ(x) (Elfwing et al. 2018,
// "Sigmoid-Weighted Linear Units for Neural Network Function Approximation
// in Reinforcement Learning"; called swish by Ramachandran et al. 2017):
// EfficientNet's activation, PyTorch's nn.SiLU, Keras' activation "silu"
// (alias "swish"). ONNX before opset 24 has no such operator: exporters
// write Sigmoid followed by Mul, which the importer may fuse into one SiLU.
//
//	y = x·σ(x),   σ(x) = 1 / (1 + e⁻ˣ)
//	dy/dx = σ(x) + x·σ(x)(1 − σ(x)) = σ(x)·(1 + x·(1 − σ(x)))
//
// The derivative is taken from x (x·σ(x) is not invertible), so Backward
// needs the layer's input, as Graph keeps it. σ is computed in float32
// with expf (silu_exp.go), within 2 float32 ulps of the exact value, eight
// values at a time with AVX2 (silu_amd64.s).
type SiLU struct {
	named
	err    error
	eng    Engine
	in     []int
	x, y   *Tensor
	dx, dy *Tensor
	fwd    func(worker, i int)
	bwd    func(worker, i int)
}

// NewSiLU returns a SiLU layer. Option: WithName.
func NewSiLU(opts ...Option) *SiLU {
	o, err := applyOptions("SiLU", options{}, 0, opts)
	s := &SiLU{err: err}
	s.name = o.name
	return s
}

// Kind returns "SiLU".
func (s *SiLU) Kind() string { return "SiLU" }

func (s *SiLU) check() error { return s.err }

// setEngine makes the layer compute with e (Graph.SetEngine).
func (s *SiLU) setEngine(e Engine) { s.eng = e }

// Build accepts any input shape and returns it unchanged.
func (s *SiLU) Build(in []int) ([]int, error) {
	if s.err != nil {
		return nil, s.err
	}
	s.in = append([]int(nil), in...)
	s.fwd, s.bwd = s.forwardChunk, s.backwardChunk
	return s.in, nil
}

// Params returns nil.
func (s *SiLU) Params() []*Param { return nil }

// Config returns the layer's configuration (just the name).
func (s *SiLU) Config() LayerConfig { return LayerConfig{ClassName: "SiLU", Name: s.name} }

// Forward computes y = x·σ(x).
func (s *SiLU) Forward(y, x *Tensor, training bool) {
	n := x.Batch()
	checkTensor("SiLU", "input", x, n, s.in)
	checkTensor("SiLU", "output", y, n, s.in)
	s.x, s.y = x, y
	s.eng.parallelFor((len(x.Data)+pwChunk-1)/pwChunk, s.fwd)
	s.x, s.y = nil, nil
}

// Backward computes dx = dy·σ(x)·(1 + x·(1 − σ(x))).
func (s *SiLU) Backward(dx, dy, x, y *Tensor) {
	if dx == nil {
		return
	}
	n := dy.Batch()
	checkTensor("SiLU", "input", x, n, s.in)
	checkTensor("SiLU", "output gradient", dy, n, s.in)
	checkTensor("SiLU", "input gradient", dx, n, s.in)
	s.x, s.dx, s.dy = x, dx, dy
	s.eng.parallelFor((len(x.Data)+pwChunk-1)/pwChunk, s.bwd)
	s.x, s.dx, s.dy = nil, nil, nil
}

func (s *SiLU) forwardChunk(_, i int) {
	lo := i * pwChunk
	hi := min(lo+pwChunk, len(s.x.Data))
	silu(s.y.Data[lo:hi], s.x.Data[lo:hi])
}

func (s *SiLU) backwardChunk(_, i int) {
	lo := i * pwChunk
	hi := min(lo+pwChunk, len(s.x.Data))
	x, dx, dy := s.x.Data[lo:hi], s.dx.Data[lo:hi], s.dy.Data[lo:hi]
	dx, dy = dx[:len(x)], dy[:len(x)]
	for i, v := range x {
		sg := sigmoidf(v)
		dx[i] = dy[i] * sg * (1 + v*(1-sg))
	}
}

// silu computes y = x·σ(x) = x / (1 + e⁻ˣ) element-wise (y may alias x),
// eight values at a time with AVX2 where the CPU has it (the two paths
// agree within 2 ulps).
func silu(y, x []float32) {
	x = x[:len(y)]
	if useAVX512 && len(y) > 0 { // sixteen at a time, the same roundings (silu_avx512_amd64.s)
		siluAVX512(&y[0], &x[0], len(y))
		return
	}
	for i := unaryAVX2(siluAVX2, y, x); i < len(y); i++ {
		v := x[i]
		y[i] = v / (1 + expf(-v))
	}
}

// unaryAVX2 runs kernel, an AVX2 loop over a multiple of 8 values (y may
// be x), on the longest such prefix of y when the CPU has AVX2, and returns
// how many values it computed (0 without AVX2): the caller's scalar loop
// does the rest.
func unaryAVX2(kernel func(y, x *float32, n int), y, x []float32) int {
	n := len(y) &^ 7
	if !useSIMD || n == 0 {
		return 0
	}
	kernel(&y[0], &x[0], n)
	return n
}

// sigmoidTo computes y = σ(x) = 1 / (1 + e⁻ˣ) element-wise in float32 (y
// may alias x): the Activation layer's "sigmoid" (ONNX Sigmoid, e.g.
// EfficientNet's SiLU imported unfused), eight values at a time with AVX2
// where the CPU has it; within 2 ulps of the exact value (0 below x ≈ -88,
// where σ(x) < 6.1e-39).
func sigmoidTo(y, x []float32) {
	x = x[:len(y)]
	for i := unaryAVX2(sigmoidAVX2, y, x); i < len(y); i++ {
		y[i] = 1 / (1 + expf(-x[i]))
	}
}
