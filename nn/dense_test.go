package nn

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

func TestDenseGradients(t *testing.T) {
	dense := func(units int, opts ...Option) func() Layer {
		return func() Layer { return NewDense(units, opts...) }
	}
	cases := []gradCase{
		{name: "linear", layer: dense(5), in: []int{7}, batch: 3},
		{name: "one unit", layer: dense(1, WithActivation("sigmoid")), in: []int{6}, batch: 4},
		{name: "relu", layer: dense(6, WithActivation("relu")), in: []int{5}, batch: 3, prep: splitBias},
		{name: "tanh", layer: dense(4, WithActivation("tanh")), in: []int{3}, batch: 2},
		{name: "softmax", layer: dense(5, WithActivation("softmax")), in: []int{4}, batch: 3},
		{name: "no bias", layer: dense(3, WithUseBias(false)), in: []int{4}, batch: 2},
		{name: "many blocks", layer: dense(40, WithActivation("tanh")), in: []int{37}, batch: 2},
		{name: "one sample", layer: dense(33, WithActivation("tanh")), in: []int{35}, batch: 1},
	}
	for _, w := range []int{1, 3} {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s/workers=%d", c.name, w), func(t *testing.T) {
				c.eng = Engine{Workers: w}
				checkGradients(t, c)
			})
		}
	}
}

func TestDenseHandComputed(t *testing.T) {
	// y = f(x·W + b) with W in Keras' (in, units) layout.
	l := NewDense(2, WithActivation("relu"))
	if _, err := l.Build([]int{3}); err != nil {
		t.Fatal(err)
	}
	copy(l.kernel.Value, []float32{1, -1, 2, -2, 3, -3}) // rows: inputs
	copy(l.bias.Value, []float32{0.5, 1})
	x := &Tensor{Shape: []int{2, 3}, Data: []float32{1, 1, 1, 1, 0, -1}}
	y := NewTensor(2, 2)
	l.Forward(y, x, false)
	// Sample 1: relu(1+2+3+0.5) = 6.5, relu(-1-2-3+1) = 0;
	// sample 2: relu(1-3+0.5) = 0, relu(-1+3+1) = 3.
	want := []float32{6.5, 0, 0, 3}
	if !slices.Equal(y.Data, want) {
		t.Errorf("y = %v, want %v", y.Data, want)
	}
}

func TestDenseSoftmaxRows(t *testing.T) {
	l := NewDense(4, WithActivation("softmax"))
	l.Build([]int{3})
	l.Init(rand.New(rand.NewSource(1)))
	x := NewTensor(5, 3)
	fillUniform(x.Data, 10, rand.New(rand.NewSource(2)))
	y := NewTensor(5, 4)
	l.Forward(y, x, false)
	for r := 0; r < 5; r++ {
		var s float64
		for _, v := range y.Data[r*4 : r*4+4] {
			if v < 0 || v > 1 {
				t.Fatalf("softmax output %g", v)
			}
			s += float64(v)
		}
		if math.Abs(s-1) > 1e-6 {
			t.Errorf("row %d sums to %g", r, s)
		}
	}
}

func TestDenseBuildErrors(t *testing.T) {
	cases := []struct {
		layer *Dense
		in    []int
		want  string
	}{
		{NewDense(10), []int{7, 7, 128}, "Dense: expected input of rank 1 (features), received (7, 7, 128) (add a Flatten layer before it)"},
		{NewDense(0), []int{4}, "Dense: expected units > 0, received 0"},
		{NewDense(3, WithActivation("gelu")), []int{4}, `Dense: unknown activation "gelu"`},
		{NewDense(3, WithStrides(2, 2), WithPadding("same")), []int{4}, "Dense: unexpected option strides, padding (Dense takes name, activation, use_bias)"},
	}
	for _, c := range cases {
		_, err := c.layer.Build(c.in)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("Build(%v) = %v, want %q", c.in, err, c.want)
		}
	}
}

func TestDenseOneSampleMatchesBatch(t *testing.T) {
	// One sample takes the matrix-vector path; it must agree with the GEMM.
	for _, act := range []string{"linear", "softmax"} {
		l := NewDense(11, WithActivation(act))
		l.Build([]int{37})
		rng := rand.New(rand.NewSource(1))
		fillUniform(l.kernel.Value, 1, rng)
		fillUniform(l.bias.Value, 1, rng)
		x := NewTensor(2, 37)
		fillUniform(x.Data, 1, rng)
		y := NewTensor(2, 11)
		l.Forward(y, x, false)
		y1 := NewTensor(1, 11)
		l.Forward(y1, &Tensor{Shape: []int{1, 37}, Data: x.Data[37:]}, false)
		if d := maxRelDiff(y1.Data, y.Data[11:]); d > 1e-6 {
			t.Errorf("%s: one sample differs from the batch by %g:\n%v\n%v", act, d, y1.Data, y.Data[11:])
		}
	}
}
