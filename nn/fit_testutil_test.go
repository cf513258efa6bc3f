package nn

import (
	"bytes"
	"fmt"
	"math"
	"math/rand"
)

// testDense is a test-only fully connected layer, y = act(x·W + b), that
// lets the training code be tested independently of the real layers.
type testDense struct {
	name    string
	in, out int
	act     string // "", "relu", "sigmoid" or "softmax"
	w, b    *Param
	dz      []float32 // scratch
}

func newTestDense(out int, act string) *testDense { return &testDense{out: out, act: act} }

func (l *testDense) Name() string        { return l.name }
func (l *testDense) SetName(name string) { l.name = name }
func (l *testDense) Kind() string        { return "TestDense" }
func (l *testDense) Params() []*Param    { return []*Param{l.w, l.b} }
func (l *testDense) Config() LayerConfig { return LayerConfig{ClassName: "TestDense"} }

func (l *testDense) Build(in []int) ([]int, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("expected a 1-D input, received %s", shapeString(in))
	}
	l.in = in[0]
	l.w = newParam("kernel", l.in, l.out)
	l.b = newParam("bias", l.out)
	l.dz = make([]float32, l.out)
	return []int{l.out}, nil
}

func (l *testDense) Init(rng Rand) {
	lim := math.Sqrt(6 / float64(l.in+l.out))
	for i := range l.w.Value {
		l.w.Value[i] = float32((2*rng.Float64() - 1) * lim)
	}
	clear(l.b.Value)
}

func (l *testDense) Forward(y, x *Tensor, training bool) {
	n := x.Shape[0]
	for s := 0; s < n; s++ {
		xs, ys := x.Sample(s), y.Sample(s)
		for o := 0; o < l.out; o++ {
			a := l.b.Value[o]
			for i, v := range xs {
				a += v * l.w.Value[i*l.out+o]
			}
			ys[o] = a
		}
		switch l.act {
		case "relu":
			for o, v := range ys {
				ys[o] = max(v, 0)
			}
		case "sigmoid":
			for o, v := range ys {
				ys[o] = float32(1 / (1 + math.Exp(-float64(v))))
			}
		case "softmax":
			m := ys[firstArgmax(ys)]
			var sum float32
			for o, v := range ys {
				ys[o] = float32(math.Exp(float64(v - m)))
				sum += ys[o]
			}
			for o := range ys {
				ys[o] /= sum
			}
		}
	}
}

func (l *testDense) Backward(dx, dy, x, y *Tensor) {
	clear(l.w.Grad)
	clear(l.b.Grad)
	dz := l.dz
	for s := 0; s < x.Shape[0]; s++ {
		xs, ys, dys := x.Sample(s), y.Sample(s), dy.Sample(s)
		switch l.act {
		case "relu":
			for o := range dz {
				dz[o] = 0
				if ys[o] > 0 {
					dz[o] = dys[o]
				}
			}
		case "sigmoid":
			for o := range dz {
				dz[o] = dys[o] * ys[o] * (1 - ys[o])
			}
		case "softmax":
			var dot float32
			for o := range dz {
				dot += dys[o] * ys[o]
			}
			for o := range dz {
				dz[o] = ys[o] * (dys[o] - dot)
			}
		default:
			copy(dz, dys)
		}
		for o, d := range dz {
			l.b.Grad[o] += d
			for i, v := range xs {
				l.w.Grad[i*l.out+o] += v * d
			}
		}
		if dx != nil {
			dxs := dx.Sample(s)
			for i := range dxs {
				var a float32
				for o, d := range dz {
					a += d * l.w.Value[i*l.out+o]
				}
				dxs[i] = a
			}
		}
	}
}

// blobs is a deterministic BatchSource of two Gaussian clouds in 2-D,
// centred on (-1, -1) (class 0) and (1, 1) (class 1), with binary targets.
type blobs struct {
	rng   *rand.Rand
	calls int
	// nanAt, when positive, makes call number nanAt (1-based) yield NaNs.
	nanAt int
}

func newBlobs(seed int64) *blobs { return &blobs{rng: rand.New(rand.NewSource(seed))} }

func (b *blobs) Next(x, y *Tensor) error {
	b.calls++
	for i := 0; i < x.Shape[0]; i++ {
		c := b.rng.Intn(2)
		mu := float32(2*c - 1)
		x.Data[2*i] = mu + float32(b.rng.NormFloat64())*0.7
		x.Data[2*i+1] = mu + float32(b.rng.NormFloat64())*0.7
		y.Data[i] = float32(c)
		if b.calls == b.nanAt {
			x.Data[2*i] = float32(math.NaN())
		}
	}
	return nil
}

// newBlobModel is a 2-8-1 network for the blobs.
func newBlobModel(seed int64) *Sequential {
	m, err := NewSequential([]int{2}, newTestDense(8, "relu"), newTestDense(1, "sigmoid"))
	if err != nil {
		panic(err)
	}
	m.Init(seed)
	return m
}

// weights returns a copy of every parameter value of m, concatenated.
func weights(m *Sequential) []float32 {
	var w []float32
	for _, p := range m.Params() {
		w = append(w, p.Value...)
	}
	return w
}

// bitEqual reports whether a and b hold the same bits (NaNs included).
func bitEqual(a, b []float32) bool {
	return len(a) == len(b) && bytes.Equal(f32Bytes(a), f32Bytes(b))
}
