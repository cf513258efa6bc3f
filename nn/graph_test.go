package nn

import (
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// branchyGraph is a small graph with a residual Add, a Concatenate, a
// BatchNormalization, a depthwise convolution and a Conv2D + MaxPooling2D
// pair that runs fused.
func branchyGraph(t testing.TB) *Graph {
	g := NewGraph([]int{8, 8, 3})
	add := func(l LayerBase, in ...string) string {
		name, err := g.Add(l, in...)
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	a := add(NewConv2D(4, 3, 3, WithPadding("same"), WithActivation("tanh"), WithName("stem")), GraphInput)
	b := add(NewBatchNormalization(), a)
	c := add(NewConv2D(4, 3, 3, WithPads(1, 1, 1, 1)), b)
	s := add(NewAdd(), a, c)
	d := add(NewConv2D(4, 3, 3, WithGroups(4), WithPadding("same")), s)
	e := add(NewConv2D(2, 1, 1), GraphInput)
	cat := add(NewConcatenate(), d, e)
	f := add(NewConv2D(5, 3, 3, WithActivation("tanh")), cat) // direct path, fused with the pooling
	p := add(NewMaxPooling2D(2, 2), f)
	gap := add(NewGlobalAveragePooling2D(), p)
	add(NewDense(3, WithActivation("tanh"), WithName("head")), gap)
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(2))
	for _, p := range g.Params() {
		fillUniform(p.Value, 0.6, rng)
	}
	return g
}

func TestGraphFusesConvAndPool(t *testing.T) {
	g := branchyGraph(t)
	if n := g.byName["conv2d_4"]; n.fusedPool == nil {
		t.Fatal("conv2d_4 + max_pooling2d_1 do not run fused")
	}
	var kinds []string
	for _, n := range g.Nodes() {
		kinds = append(kinds, n.Name)
	}
	want := "stem batch_normalization_1 conv2d_1 add_1 conv2d_2 conv2d_3 concatenate_1 conv2d_4 max_pooling2d_1 global_average_pooling2d_1 head"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("Nodes() = %s\nexpected %s", got, want)
	}
}

func TestGraphGradients(t *testing.T) {
	// A branch (Add), a Concatenate and a node read twice: every weight's
	// gradient and the input gradient against central differences of
	// L = Σ output·r.
	g := branchyGraph(t)
	rng := rand.New(rand.NewSource(5))
	x := NewTensor(2, 8, 8, 3)
	spreadInput(nil, x, rng)
	for i := range x.Data {
		x.Data[i] *= 0.02
	}
	r := NewTensor(2, 3)
	fillUniform(r.Data, 1, rng)
	eval := func() float64 {
		y := g.Forward(x, true)
		var s float64
		for i, v := range y.Data {
			s += float64(v) * float64(r.Data[i])
		}
		return s
	}
	eval()
	g.Backward(r) // fused
	fused := map[string][]float32{}
	for _, p := range g.Params() {
		fused[p.Name] = slices.Clone(p.Grad)
	}
	eval()
	if err := g.BackwardWith(BackwardOptions{InputGrad: true}, r); err != nil {
		t.Fatal(err)
	}
	dx := g.Grad(GraphInput).Clone()
	const eps = 1e-3 // below the input spacing (2e-3)
	l0 := eval()
	// A perturbation can change which input of a max-pooling window wins
	// (a kink): the one-sided differences then disagree, and the central
	// one means nothing. Such values are skipped, but there must be few.
	check := func(name string, v, grad []float32) {
		bad, kinks := 0, 0
		for i := range v {
			old := v[i]
			v[i] = old + eps
			lp := eval()
			v[i] = old - eps
			lm := eval()
			v[i] = old
			if d1, d2 := lp-l0, l0-lm; math.Abs(d1-d2) > 0.1*math.Max(math.Abs(d1), math.Abs(d2))+1e-5 {
				kinks++
				continue
			}
			n := (lp - lm) / (2 * eps)
			if a := float64(grad[i]); math.Abs(a-n) > 2e-3+2e-2*math.Max(math.Abs(a), math.Abs(n)) {
				if bad++; bad <= 3 {
					t.Errorf("%s[%d]: backward %.6g, finite difference %.6g", name, i, a, n)
				}
			}
		}
		if kinks > len(v)/8+1 {
			t.Errorf("%s: %d of %d values sit at a kink", name, kinks, len(v))
		}
	}
	for _, p := range g.Params() {
		grad := slices.Clone(p.Grad)
		for i, v := range grad {
			if d := math.Abs(float64(v - fused[p.Name][i])); d > 1e-4*(1+math.Abs(float64(v))) {
				t.Fatalf("%s[%d]: fused Backward %g, BackwardWith %g", p.Name, i, fused[p.Name][i], v)
			}
		}
		check(p.Name, p.Value, grad)
	}
	check("dinput", x.Data, dx.Data)
}

func TestGraphBackwardOptions(t *testing.T) {
	g := branchyGraph(t)
	rng := rand.New(rand.NewSource(9))
	x := NewTensor(1, 8, 8, 3)
	fillUniform(x.Data, 1, rng)
	r := NewTensor(1, 3)
	fillUniform(r.Data, 1, rng)
	g.Forward(x, false)
	if err := g.BackwardWith(BackwardOptions{InputGrad: true}, r); err != nil {
		t.Fatal(err)
	}
	full := g.Grad("add_1").Clone()
	fullIn := g.Grad(GraphInput).Clone()
	before := map[string][]float32{}
	for _, p := range g.Params() {
		before[p.Name] = slices.Clone(p.Grad)
	}

	// StopAt with SkipWeights: the same gradient at add_1, no weight touched,
	// nothing computed upstream of add_1.
	if err := g.BackwardWith(BackwardOptions{StopAt: "add_1", SkipWeights: true}, r); err != nil {
		t.Fatal(err)
	}
	if got := g.Grad("add_1"); got == nil || !closeTensors(got, full, 1e-6) {
		t.Fatalf("StopAt: gradient at add_1 differs from the full pass")
	}
	for _, name := range []string{"stem", "conv2d_1", GraphInput} {
		if g.Grad(name) != nil {
			t.Errorf("StopAt add_1: %s has a gradient", name)
		}
	}
	for _, p := range g.Params() {
		if !slices.Equal(p.Grad, before[p.Name]) {
			t.Errorf("SkipWeights changed %s's gradient", p.Name)
		}
	}

	// Inject at a hidden node: d(Σ add_1·q)/dx against finite differences.
	q := NewTensor(g.Output("add_1").Shape...)
	fillUniform(q.Data, 1, rng)
	if err := g.BackwardWith(BackwardOptions{From: []string{"add_1"}, SkipWeights: true, InputGrad: true}, q); err != nil {
		t.Fatal(err)
	}
	dx := g.Grad(GraphInput).Clone()
	loss := func() float64 {
		g.Forward(x, false)
		var s float64
		for i, v := range g.Output("add_1").Data {
			s += float64(v) * float64(q.Data[i])
		}
		return s
	}
	for _, i := range []int{0, 7, 50, 100, 191} {
		old := x.Data[i]
		x.Data[i] = old + 1e-2
		lp := loss()
		x.Data[i] = old - 1e-2
		lm := loss()
		x.Data[i] = old
		if n := (lp - lm) / 2e-2; math.Abs(n-float64(dx.Data[i])) > 2e-3+1e-2*math.Abs(n) {
			t.Errorf("injected gradient: dx[%d] = %g, finite difference %g", i, dx.Data[i], n)
		}
	}
	if fullIn.Data[0] == dx.Data[0] {
		t.Error("the injected gradient equals the output's: From was ignored")
	}

	for _, tc := range []struct {
		o    BackwardOptions
		dys  []*Tensor
		want string
	}{
		{BackwardOptions{From: []string{"nope"}}, []*Tensor{r}, `From: "nope" is not a node of the graph`},
		{BackwardOptions{StopAt: "nope"}, []*Tensor{r}, `StopAt: "nope" is not a node of the graph`},
		{BackwardOptions{From: []string{"add_1"}, StopAt: "head"}, []*Tensor{q}, `StopAt: no gradient reaches "head" from add_1`},
		{BackwardOptions{StopAt: "stem", InputGrad: true}, []*Tensor{r}, `InputGrad and StopAt exclude each other`},
		{BackwardOptions{}, []*Tensor{q}, `head: expected gradient shape (1, 3), received (1, 8, 8, 4)`},
		{BackwardOptions{}, nil, `expected 1 gradients`},
	} {
		if err := g.BackwardWith(tc.o, tc.dys...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("BackwardWith(%+v): %v, expected %q", tc.o, err, tc.want)
		}
	}
}

func closeTensors(a, b *Tensor, tol float64) bool {
	if !slices.Equal(a.Shape, b.Shape) {
		return false
	}
	for i, v := range a.Data {
		if math.Abs(float64(v-b.Data[i])) > tol*(1+math.Abs(float64(v))) {
			return false
		}
	}
	return true
}

func TestGraphBuildErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func(g *Graph) error
		want  string
	}{
		{"Dangling", func(g *Graph) error {
			g.Add(NewFlatten(WithName("f")), "missing")
			return g.Build()
		}, `nn: graph: node "f" (Flatten): input "missing" is not a node of the graph (dangling input)`},
		{"Cycle", func(g *Graph) error {
			g.Add(NewAdd(WithName("a")), GraphInput, "c")
			g.Add(NewIdentity(WithName("b")), "a")
			g.Add(NewIdentity(WithName("c")), "b")
			return g.Build()
		}, "nn: graph: cycle: a → c → b → a (a graph must be acyclic)"},
		{"Shapes", func(g *Graph) error {
			g.Add(NewConv2D(2, 3, 3, WithName("c")), GraphInput)
			g.Add(NewAdd(WithName("a")), GraphInput, "c")
			return g.Build()
		}, `nn: graph: node "a" (Add): Add: inputs must have the same shape: expected (6, 6, 3) (input 1), received (4, 4, 2) (input 2)`},
		{"Duplicate", func(g *Graph) error {
			g.Add(NewIdentity(WithName("x")), GraphInput)
			_, err := g.Add(NewIdentity(WithName("x")), GraphInput)
			return err
		}, `nn: graph: a node named "x" already exists`},
		{"Reserved", func(g *Graph) error {
			_, err := g.Add(NewIdentity(WithName(GraphInput)), GraphInput)
			return err
		}, `nn: graph: the name "input" is reserved for the graph's input`},
		{"Arity", func(g *Graph) error {
			_, err := g.Add(NewIdentity(), GraphInput, GraphInput)
			return err
		}, "nn: graph: Identity expects 1 input, received 2"},
		{"MergeArity", func(g *Graph) error {
			_, err := g.Add(NewConcatenate(), GraphInput)
			return err
		}, "nn: graph: Concatenate expects at least 2 inputs, received 1"},
		{"SameLayerTwice", func(g *Graph) error {
			l := NewIdentity()
			g.Add(l, GraphInput)
			_, err := g.Add(l, GraphInput)
			return err
		}, `nn: graph: layer "identity_1" is already in the graph (add a new layer for each node)`},
		{"Output", func(g *Graph) error {
			g.Add(NewIdentity(), GraphInput)
			g.SetOutputs("nope")
			return g.Build()
		}, `nn: graph: output "nope" is not a node of the graph`},
		{"Empty", func(g *Graph) error { return g.Build() }, "nn: graph: no nodes (Add at least one layer)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.build(NewGraph([]int{6, 6, 3}))
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v\nexpected   %s", err, tc.want)
			}
		})
	}
}

func TestGraphOutputsAndOrder(t *testing.T) {
	// Nodes added before their inputs are ordered; two outputs.
	g := NewGraph([]int{4})
	g.Add(NewDense(2, WithName("b")), "a")
	g.Add(NewDense(3, WithName("a")), GraphInput)
	g.Add(NewDense(1, WithName("c")), "a")
	g.SetOutputs("c", "b")
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	if got := g.OutputNames(); !slices.Equal(got, []string{"c", "b"}) {
		t.Errorf("OutputNames = %v", got)
	}
	var names []string
	for _, n := range g.Nodes() {
		names = append(names, n.Name)
	}
	if !slices.Equal(names, []string{"a", "b", "c"}) {
		t.Errorf("order %v, expected [a b c]", names)
	}
	x := NewTensor(2, 4)
	y := g.Forward(x, false)
	if !slices.Equal(y.Shape, []int{2, 1}) || len(g.Outputs()) != 2 || g.Outputs()[1] != g.Output("b") {
		t.Errorf("Forward returned %v; Outputs %v", y, g.Outputs())
	}
	if err := g.BackwardWith(BackwardOptions{}, NewTensor(2, 1), NewTensor(2, 2)); err != nil {
		t.Fatal(err)
	}
}

func TestGraphNoAllocations(t *testing.T) {
	// Once the buffers exist, passes allocate nothing: Forward, Backward
	// (fused) and BackwardWith (explanations' options).
	g := branchyGraph(t)
	x := NewTensor(2, 8, 8, 3)
	fillUniform(x.Data, 1, rand.New(rand.NewSource(1)))
	r := NewTensor(2, 3)
	fillUniform(r.Data, 1, rand.New(rand.NewSource(2)))
	opts := BackwardOptions{From: []string{"head"}, StopAt: "conv2d_2", SkipWeights: true}
	all := BackwardOptions{InputGrad: true}
	step := func() {
		g.Forward(x, true)
		g.Backward(r)
		g.Forward(x, false)
		if err := g.BackwardWith(opts, r); err != nil {
			t.Fatal(err)
		}
		if err := g.BackwardWith(all, r); err != nil {
			t.Fatal(err)
		}
	}
	step()
	if n := testing.AllocsPerRun(5, step); n != 0 {
		t.Errorf("%v allocations per pass", n)
	}
}

func TestGraphSkipWeightsSameInputGradient(t *testing.T) {
	// SkipWeights leaves the weight products out (Conv2D on every path,
	// Dense): the input gradient must not change, nor the weights' own
	// gradients from the pass before.
	g := everyClassGraph(t)
	x := NewTensor(2, 10, 10, 3)
	fillUniform(x.Data, 100, rand.New(rand.NewSource(3)))
	r := NewTensor(2, 5)
	fillUniform(r.Data, 1, rand.New(rand.NewSource(4)))
	g.Forward(x, false)
	if err := g.BackwardWith(BackwardOptions{InputGrad: true}, r); err != nil {
		t.Fatal(err)
	}
	want := g.Grad(GraphInput).Clone()
	var grads [][]float32
	for _, p := range g.Params() {
		grads = append(grads, slices.Clone(p.Grad))
	}
	if err := g.BackwardWith(BackwardOptions{InputGrad: true, SkipWeights: true}, r); err != nil {
		t.Fatal(err)
	}
	if got := g.Grad(GraphInput); !slices.Equal(got.Data, want.Data) {
		t.Error("SkipWeights changed the input gradient")
	}
	for i, p := range g.Params() {
		if !slices.Equal(p.Grad, grads[i]) {
			t.Errorf("SkipWeights changed %s's gradient", p.Name)
		}
	}
	if !slices.ContainsFunc(want.Data, func(v float32) bool { return v != 0 }) {
		t.Error("the input gradient is all zero: the test proves nothing")
	}
}
