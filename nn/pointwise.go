package nn

import "time"

// The element-wise layers of graph models (Keras' activation layers, and
// ONNX's Clip, HardSigmoid and HardSwish). Each computes y = f(x) and
// differentiates from x (dx = dy · f'(x)), so functions that are not
// invertible (hard_swish) need no extra memory. At a kink the derivative
// takes the value on the side of the lower inequality below.

// pwOp selects the function of a pointwise layer.
type pwOp uint8

const (
	pwReLU        pwOp = iota // Keras ReLU(max_value, negative_slope, threshold)
	pwClip                    // min(max(x, a), b)
	pwHardSigmoid             // max(0, min(1, a·x + b))
	pwHardSwish               // x · max(0, min(1, x/6 + 1/2))
	pwRescale                 // a·x + b
	pwIdentity                // x
)

// pointwise is the implementation shared by the element-wise layers.
type pointwise struct {
	named
	kind    string
	op      pwOp
	a, b, t float32    // the function's parameters (see the constructors)
	conf    [3]float64 // the constructor's arguments, for Config
	err     error
	eng     Engine
	in      []int
	size    int // values per sample
	x, y    *Tensor
	dx, dy  *Tensor
	fwd     func(worker, i int)
	bwd     func(worker, i int)
}

// pwChunk is the number of values per parallel work item.
const pwChunk = 1 << 14

// pwWork estimates the single-core time of an element-wise pass over n
// values: about 0.25 ns a value (reading one or two floats and writing one,
// streamed).
func pwWork(n int) time.Duration { return time.Duration(n / 4) }

func newPointwise(kind string, op pwOp, a, b, t float64, opts []Option) pointwise {
	o, err := applyOptions(kind, options{}, 0, opts)
	p := pointwise{kind: kind, op: op, a: float32(a), b: float32(b), t: float32(t), conf: [3]float64{a, b, t}, err: err}
	p.name = o.name
	return p
}

// setEngine makes the layer compute with e (Graph.SetEngine).
func (p *pointwise) setEngine(e Engine) { p.eng = e }

// Kind returns the layer's class name.
func (p *pointwise) Kind() string { return p.kind }

func (p *pointwise) check() error { return p.err }

// Build accepts any input shape and returns it unchanged.
func (p *pointwise) Build(in []int) ([]int, error) {
	if p.err != nil {
		return nil, p.err
	}
	p.in = append([]int(nil), in...)
	p.size = shapeSize(in)
	p.fwd, p.bwd = p.forwardChunk, p.backwardChunk
	return p.in, nil
}

// Params returns nil.
func (p *pointwise) Params() []*Param { return nil }

// Config returns the layer's configuration.
func (p *pointwise) Config() LayerConfig {
	c := LayerConfig{ClassName: p.kind, Name: p.name}
	a, b, t := p.conf[0], p.conf[1], p.conf[2]
	switch p.kind {
	case "ReLU":
		c.MaxValue, c.NegativeSlope, c.Threshold = a, b, t
	case "LeakyReLU":
		c.Alpha = b
	case "Clip":
		c.Min, c.Max = a, b
	case "HardSigmoid":
		c.Alpha, c.Beta = a, b
	case "Rescaling":
		c.Scale, c.Offset = a, b
	}
	return c
}

// Forward computes y = f(x).
func (p *pointwise) Forward(y, x *Tensor, training bool) {
	n := x.Batch()
	checkTensor(p.kind, "input", x, n, p.in)
	checkTensor(p.kind, "output", y, n, p.in)
	if p.op == pwIdentity {
		copy(y.Data, x.Data)
		return
	}
	p.x, p.y = x, y
	p.eng.parallelForWork((len(x.Data)+pwChunk-1)/pwChunk, pwWork(len(x.Data)), p.fwd)
	p.x, p.y = nil, nil
}

// Backward computes dx = dy · f'(x).
func (p *pointwise) Backward(dx, dy, x, y *Tensor) {
	if dx == nil {
		return
	}
	n := dy.Batch()
	checkTensor(p.kind, "input", x, n, p.in)
	checkTensor(p.kind, "output gradient", dy, n, p.in)
	checkTensor(p.kind, "input gradient", dx, n, p.in)
	if p.op == pwIdentity {
		copy(dx.Data, dy.Data)
		return
	}
	p.x, p.dx, p.dy = x, dx, dy
	p.eng.parallelForWork((len(x.Data)+pwChunk-1)/pwChunk, pwWork(len(x.Data)), p.bwd)
	p.x, p.dx, p.dy = nil, nil, nil
}

func (p *pointwise) forwardChunk(_, i int) {
	lo := i * pwChunk
	hi := min(lo+pwChunk, len(p.x.Data))
	p.apply(p.y.Data[lo:hi], p.x.Data[lo:hi])
}

// apply computes y = f(x) for len(y) values (not for Identity).
func (p *pointwise) apply(y, x []float32) {
	x = x[:len(y)]
	a, b, t := p.a, p.b, p.t
	switch {
	case p.op == pwReLU && b == 0 && t == 0, p.op == pwClip: // min(max(x, lo), hi), vectorised
		floor := float32(0)
		if p.op == pwClip {
			floor, a = a, b
		}
		clampTo(y, x, floor, a) // pointwise_bias.go
		return
	}
	switch p.op {
	case pwReLU:
		for i, v := range x {
			switch {
			case v >= a:
				y[i] = a
			case v >= t:
				y[i] = v
			default:
				y[i] = b * (v - t)
			}
		}
	case pwClip:
		for i, v := range x {
			y[i] = min(max(v, a), b)
		}
	case pwHardSigmoid:
		for i, v := range x {
			y[i] = min(max(a*v+b, 0), 1)
		}
	case pwHardSwish:
		hardSwish(y, x) // hardswish.go: with AVX2
	case pwRescale:
		for i, v := range x {
			y[i] = v*a + b
		}
	}
}

func (p *pointwise) backwardChunk(_, i int) {
	lo := i * pwChunk
	hi := min(lo+pwChunk, len(p.x.Data))
	x, dx, dy := p.x.Data[lo:hi], p.dx.Data[lo:hi], p.dy.Data[lo:hi]
	a, b, t := p.a, p.b, p.t
	switch p.op {
	case pwReLU:
		for i, v := range x {
			switch {
			case v >= a:
				dx[i] = 0
			case v >= t:
				dx[i] = dy[i]
			default:
				dx[i] = b * dy[i]
			}
		}
	case pwClip:
		for i, v := range x {
			if v >= a && v <= b {
				dx[i] = dy[i]
			} else {
				dx[i] = 0
			}
		}
	case pwHardSigmoid:
		for i, v := range x {
			if z := a*v + b; z > 0 && z < 1 {
				dx[i] = a * dy[i]
			} else {
				dx[i] = 0
			}
		}
	case pwHardSwish:
		for i, v := range x {
			switch {
			case v <= -3:
				dx[i] = 0
			case v >= 3:
				dx[i] = dy[i]
			default:
				dx[i] = dy[i] * (2*v + 3) / 6
			}
		}
	case pwRescale:
		for i := range dx {
			dx[i] = dy[i] * a
		}
	}
}
