package nn

import (
	"fmt"
	"math/rand"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/convscope/convscope/nn/sgemm"
)

func TestEngineGEMM(t *testing.T) {
	cases := []struct {
		e    Engine
		want string
	}{
		{Engine{}, "sgemm/" + sgemm.Kernel()},
		{Engine{BLAS: sgemm.Implementation{}}, "sgemm/" + sgemm.Kernel()},
		{Engine{BLAS: gonum.Implementation{}}, "gonum"},
	}
	for _, c := range cases {
		if got := c.e.GEMM(); got != c.want {
			t.Errorf("%#v.GEMM() = %q, want %q", c.e, got, c.want)
		}
	}
}

func TestImportLeavesGonumAlone(t *testing.T) {
	// Nothing in nn installs a BLAS behind gonum's blas32: models carry
	// their Engine instead.
	m, err := ReferenceModel()
	if err != nil {
		t.Fatal(err)
	}
	m.Activations(referenceInput(1))
	if got := fmt.Sprintf("%T", blas32.Implementation()); got != "gonum.Implementation" {
		t.Errorf("blas32's implementation is %s, want gonum's own", got)
	}
}

func TestTwoModelsTwoEngines(t *testing.T) {
	// Two models in one program, each with its own engine (nn/sgemm with
	// every core and the direct path; gonum on one goroutine, im2col), give
	// the same maps up to float32 rounding, and each keeps its engine.
	build := func(e Engine) *Sequential {
		m, err := NewSequential([]int{12, 10, 3},
			NewConv2D(8, 3, 3, WithActivation("relu")),
			NewMaxPooling2D(2, 2),
			NewConv2D(4, 3, 3, WithActivation("relu"), WithPadding("same"), WithStrides(2, 2)),
			NewFlatten(),
			NewDense(5, WithActivation("softmax")),
		)
		if err != nil {
			t.Fatal(err)
		}
		m.SetEngine(e)
		return m
	}
	fast, slow := build(Engine{}), build(Engine{BLAS: gonum.Implementation{}, Workers: 1})
	if fast.Layers()[0].(*Conv2D).direct() == slow.Layers()[0].(*Conv2D).direct() {
		t.Fatal("both models take the same convolution path")
	}
	x := NewTensor(2, 12, 10, 3)
	fillUniform(x.Data, 1, rand.New(rand.NewSource(3)))
	a, b := fast.Activations(x), slow.Activations(x)
	for i := range a {
		if d := maxRelDiff(a[i].Data, b[i].Data); d > 1e-5 {
			t.Errorf("layer %d: outputs differ by %g", i, d)
		}
	}
	if got := slow.Engine().GEMM(); got != "gonum" {
		t.Errorf("slow.Engine().GEMM() = %q, want gonum", got)
	}
}

// ExampleEngine runs a model on gonum's own Sgemm with one worker, e.g. to
// compare against the default engine (nn/sgemm on GOMAXPROCS workers).
func ExampleEngine() {
	m, err := ReferenceModel()
	if err != nil {
		panic(err)
	}
	m.SetEngine(Engine{BLAS: gonum.Implementation{}, Workers: 1})
	fmt.Println(m.Engine().GEMM())
	// Output: gonum
}
