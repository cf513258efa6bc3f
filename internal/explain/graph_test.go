package explain

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/convscope/convscope/nn"
)

// smallGraph is the graph model of testdata/make_reference.py's graph():
// a residual block (conv, conv, Add), max pooling, a valid conv, global
// average pooling and a softmax Dense, 12×12×3 input, formula weights.
func smallGraph(t testing.TB) *nn.Graph {
	g := nn.NewGraph([]int{12, 12, 3})
	add := func(l nn.LayerBase, in ...string) string {
		name, err := g.Add(l, in...)
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	a := add(nn.NewConv2D(6, 3, 3, nn.WithPadding("same"), nn.WithActivation("relu")), nn.GraphInput)
	b := add(nn.NewConv2D(6, 3, 3, nn.WithPadding("same"), nn.WithActivation("relu")), a)
	s := add(nn.NewAdd(), a, b)
	p := add(nn.NewMaxPooling2D(2, 2), s)
	c := add(nn.NewConv2D(8, 3, 3, nn.WithActivation("relu")), p)
	gp := add(nn.NewGlobalAveragePooling2D(), c)
	add(nn.NewDense(3, nn.WithActivation("softmax")), gp)
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	return g
}

type refGraph struct {
	InputSalt uint32    `json:"input_salt"`
	Class     int       `json:"class"`
	Score     float64   `json:"score"`
	Gradient  []float64 `json:"gradient"`
	Guided    []float64 `json:"guided"`
	Cams      []refCAM  `json:"cams"`
	IGSteps   int       `json:"ig_steps"`
	IG        []float64 `json:"ig"`
}

// TestReferenceGraph compares the methods on a graph model (residual Add,
// pooling, global average pooling, softmax Dense) with PyTorch.
func TestReferenceGraph(t *testing.T) {
	ref := &loadRef(t).Graph
	g := smallGraph(t)
	setFormulaWeights(t, g.Params())
	x := make([]float32, 12*12*3)
	for i := range x {
		x[i] = float32(hash01(uint32(i), ref.InputSalt))
	}
	m, err := FromGraph(g)
	if err != nil {
		t.Fatal(err)
	}
	if d := DefaultLayer(m.Nodes()); d != "conv2d_3" {
		t.Errorf("DefaultLayer = %q, expected conv2d_3", d)
	}
	e := New(m)
	for _, c := range ref.Cams {
		r, err := e.Explain(context.Background(), x, Options{Method: Method(c.Method), Layer: c.Layer, Class: Predicted})
		if err != nil {
			t.Fatal(err)
		}
		if r.Class != ref.Class || math.Abs(r.Score-ref.Score) > refTol*math.Abs(ref.Score) {
			t.Errorf("class %d score %.9g, expected %d and %.9g", r.Class, r.Score, ref.Class, ref.Score)
		}
		compareMap(t, "graph "+c.Method+"/"+c.Layer, c.Map, r.Raw)
		compareMap(t, "graph "+c.Method+"/"+c.Layer+" weights", c.Weights, r.Weights)
	}
	r, err := e.Explain(context.Background(), x, Options{Method: Saliency, Class: Predicted})
	if err != nil {
		t.Fatal(err)
	}
	compareMap(t, "graph gradient", ref.Gradient, r.Raw)
	saliency := r.Raw
	r, err = e.Explain(context.Background(), x, Options{Method: IntegratedGradients, Class: Predicted, Steps: ref.IGSteps, Rule: Midpoint})
	if err != nil {
		t.Fatal(err)
	}
	compareMap(t, "graph ig", ref.IG, r.Raw)
	r, err = e.Explain(context.Background(), x, Options{Method: Guided, Class: Predicted})
	if err != nil {
		t.Fatal(err)
	}
	compareMap(t, "graph guided", ref.Guided, r.Raw)
	steps, err := SanityCheck(context.Background(), m, x, Options{Method: GradCAM, Class: Predicted}, 1)
	if err != nil || len(steps) != 5 {
		t.Fatalf("sanity check: %d steps, %v", len(steps), err)
	}
	if last := steps[len(steps)-1]; last.Randomized != "conv2d_1" || last.Spearman == 1 {
		t.Errorf("last step %s, Spearman %g", last.Randomized, last.Spearman)
	}
	r2, _ := e.Explain(context.Background(), x, Options{Method: Saliency, Class: Predicted})
	if !slices.Equal(saliency, r2.Raw) {
		t.Error("the sanity check did not restore the weights")
	}
}
