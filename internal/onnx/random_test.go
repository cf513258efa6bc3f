package onnx

import (
	"math"
	"math/rand"
	"testing"

	"github.com/convscope/convscope/nn"
)

// convPoolCase is one random Conv → pool model, with the parameters
// ONNX files use.
type convPoolCase struct {
	h, w, c, m, group  int
	kh, kw, sh, sw     int
	dh, dw             int
	pads               [4]int // top, left, bottom, right
	pool               string // MaxPool or AveragePool
	pk, ps, ppad       int
	ceil, countPad     bool
	input, weight, out []float64
}

func randomCase(rng *rand.Rand) convPoolCase {
	c := convPoolCase{h: 3 + rng.Intn(10), w: 3 + rng.Intn(10), group: 1 + rng.Intn(3)}
	c.c = c.group * (1 + rng.Intn(2))
	c.m = c.group * (1 + rng.Intn(3))
	c.kh, c.kw = 1+rng.Intn(3), 1+rng.Intn(3)
	c.sh, c.sw = 1+rng.Intn(3), 1+rng.Intn(2)
	c.dh, c.dw = 1+rng.Intn(2), 1+rng.Intn(2)
	for i := range c.pads {
		c.pads[i] = rng.Intn(3)
	}
	c.pool = []string{"MaxPool", "AveragePool"}[rng.Intn(2)]
	c.pk, c.ps = 1+rng.Intn(3), 1+rng.Intn(2)
	c.ppad = rng.Intn(c.pk) // pads smaller than the window, as ONNX requires
	c.ceil, c.countPad = rng.Intn(2) == 1, rng.Intn(2) == 1
	c.input = make([]float64, c.c*c.h*c.w)
	for i := range c.input {
		c.input[i] = rng.Float64()*2 - 1
	}
	c.weight = make([]float64, c.m*(c.c/c.group)*c.kh*c.kw)
	for i := range c.weight {
		c.weight[i] = rng.Float64()*2 - 1
	}
	return c
}

func (c convPoolCase) model() *Model {
	ints := func(name string, v ...int) *Attribute {
		a := &Attribute{Name: name, Type: AttrInts}
		for _, x := range v {
			a.Ints = append(a.Ints, int64(x))
		}
		return a
	}
	w := make([]float32, len(c.weight))
	for i, v := range c.weight {
		w[i] = float32(v)
	}
	pool := &Node{Name: "pool", OpType: c.pool, Inputs: []string{"y"}, Outputs: []string{"z"},
		Attrs: []*Attribute{ints("kernel_shape", c.pk, c.pk), ints("strides", c.ps, c.ps), ints("pads", c.ppad, c.ppad, c.ppad, c.ppad)}}
	if c.ceil {
		pool.Attrs = append(pool.Attrs, &Attribute{Name: "ceil_mode", Type: AttrInt, I: 1})
	}
	if c.countPad && c.pool == "AveragePool" {
		pool.Attrs = append(pool.Attrs, &Attribute{Name: "count_include_pad", Type: AttrInt, I: 1})
	}
	return &Model{IRVersion: 8, Opsets: map[string]int64{"": 13}, Graph: Graph{
		Nodes: []*Node{
			{Name: "conv", OpType: "Conv", Inputs: []string{"x", "w"}, Outputs: []string{"y"}, Attrs: []*Attribute{
				ints("strides", c.sh, c.sw), ints("dilations", c.dh, c.dw), ints("pads", c.pads[:]...),
				{Name: "group", Type: AttrInt, I: int64(c.group)}}},
			pool,
		},
		Initializers: []*Tensor{{Name: "w", Dims: []int64{int64(c.m), int64(c.c / c.group), int64(c.kh), int64(c.kw)}, DataType: TypeFloat, Float: w}},
		Inputs:       []ValueInfo{{Name: "x", ElemType: TypeFloat, Shape: []Dim{{Value: 1}, {Value: int64(c.c)}, {Value: int64(c.h)}, {Value: int64(c.w)}}}},
		Outputs:      []ValueInfo{{Name: "z", ElemType: TypeFloat}},
	}}
}

// poolOut is ONNX's output size with PyTorch's ceil-mode rule.
func poolOut(in, k, s, p0, p1 int, ceil bool) int {
	room := in + p0 + p1 - k
	if room < 0 {
		return 0
	}
	if !ceil {
		return room/s + 1
	}
	o := (room+s-1)/s + 1
	if (o-1)*s >= in+p0 {
		o--
	}
	return o
}

// reference computes the case in float64, straight from ONNX's definitions
// (NCHW), and returns the output with its (C, H, W).
func (c convPoolCase) reference() ([]float64, int, int, int) {
	ekh, ekw := (c.kh-1)*c.dh+1, (c.kw-1)*c.dw+1
	oh := poolOut(c.h, ekh, c.sh, c.pads[0], c.pads[2], false)
	ow := poolOut(c.w, ekw, c.sw, c.pads[1], c.pads[3], false)
	if oh < 1 || ow < 1 {
		return nil, 0, 0, 0
	}
	cg, mg := c.c/c.group, c.m/c.group
	y := make([]float64, c.m*oh*ow)
	for o := range c.m {
		g := o / mg
		for i := range oh {
			for j := range ow {
				var s float64
				for ci := range cg {
					for a := range c.kh {
						for b := range c.kw {
							r, q := i*c.sh-c.pads[0]+a*c.dh, j*c.sw-c.pads[1]+b*c.dw
							if r >= 0 && r < c.h && q >= 0 && q < c.w {
								s += c.input[((g*cg+ci)*c.h+r)*c.w+q] * c.weight[((o*cg+ci)*c.kh+a)*c.kw+b]
							}
						}
					}
				}
				y[(o*oh+i)*ow+j] = s
			}
		}
	}
	ph := poolOut(oh, c.pk, c.ps, c.ppad, c.ppad, c.ceil)
	pw := poolOut(ow, c.pk, c.ps, c.ppad, c.ppad, c.ceil)
	if ph < 1 || pw < 1 {
		return nil, 0, 0, 0
	}
	z := make([]float64, c.m*ph*pw)
	for o := range c.m {
		for i := range ph {
			for j := range pw {
				best, sum, n := math.Inf(-1), 0.0, 0
				for a := range c.pk {
					for b := range c.pk {
						r, q := i*c.ps-c.ppad+a, j*c.ps-c.ppad+b
						if r >= oh+c.ppad || q >= ow+c.ppad {
							continue // beyond the padded input (ceil mode)
						}
						if r < 0 || r >= oh || q < 0 || q >= ow {
							n += boolInt(c.countPad) // a padding pixel
							continue
						}
						v := y[(o*oh+r)*ow+q]
						best, sum, n = math.Max(best, v), sum+v, n+1
					}
				}
				if c.pool == "MaxPool" {
					z[(o*ph+i)*pw+j] = best
				} else {
					z[(o*ph+i)*pw+j] = sum / float64(n)
				}
			}
		}
	}
	return z, c.m, ph, pw
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestRandomConvPool: 300 random Conv (groups, dilation, asymmetric pads,
// strides) → pool (ceil mode, count_include_pad) models, imported and run,
// against a float64 reference written from ONNX's definitions.
func TestRandomConvPool(t *testing.T) {
	rng := rand.New(rand.NewSource(12))
	ran := 0
	for i := range 300 {
		c := randomCase(rng)
		want, m, h, w := c.reference()
		g, err := Import(c.model())
		if want == nil {
			if err == nil {
				t.Errorf("case %d %+v: imported a model whose output is empty", i, c)
			}
			continue
		}
		if err != nil {
			t.Errorf("case %d: %v", i, err)
			continue
		}
		x := nn.NewTensor(1, c.h, c.w, c.c)
		for ci := range c.c {
			for r := range c.h {
				for q := range c.w {
					x.Data[(r*c.w+q)*c.c+ci] = float32(c.input[(ci*c.h+r)*c.w+q])
				}
			}
		}
		got := g.Predict(x)
		if len(got.Data) != m*h*w {
			t.Errorf("case %d: %d outputs, want %d×%d×%d", i, len(got.Data), m, h, w)
			continue
		}
		for o := range m {
			for r := range h {
				for q := range w {
					a, b := float64(got.Data[(r*w+q)*m+o]), want[(o*h+r)*w+q]
					if math.Abs(a-b) > 1e-4*math.Max(1, math.Abs(b)) {
						t.Fatalf("case %d %+v: output (%d, %d, %d) = %v, want %v", i, c, o, r, q, a, b)
					}
				}
			}
		}
		ran++
	}
	if ran < 200 {
		t.Errorf("only %d of 300 random cases ran", ran)
	}
}
