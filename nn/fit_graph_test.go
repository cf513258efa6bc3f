package nn

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
)

// fitGraphRef is testdata/torch/fit_graph.json (make_fit_graph.py).
type fitGraphRef struct {
	Initial map[string]torchTensor `json:"initial"`
	Batches []struct {
		X torchTensor `json:"x"`
		Y []int       `json:"y"`
	} `json:"batches"`
	Losses []float64              `json:"losses"`
	Final  map[string]torchTensor `json:"final"`
}

// residualNet is make_fit_graph.py's network with its initial weights.
func residualNet(t *testing.T, ref fitGraphRef) *Graph {
	g := NewGraph([]int{6, 6, 3})
	add := func(l LayerBase, in ...string) string {
		name, err := g.Add(l, in...)
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	h := add(NewConv2D(4, 3, 3, WithName("conv1"), WithPadding("same")), GraphInput)
	h = add(NewReLU(0, 0, 0, WithName("relu1")), add(NewBatchNormalization(WithName("bn1")), h))
	r := add(NewBatchNormalization(WithName("bn2")), add(NewConv2D(4, 3, 3, WithName("conv2"), WithPadding("same"), WithUseBias(false)), h))
	h = add(NewReLU(0, 0, 0, WithName("relu2")), add(NewAdd(WithName("add")), h, r))
	add(NewDense(3, WithName("dense"), WithActivation("softmax")), add(NewGlobalAveragePooling2D(WithName("gap")), h))
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	if len(g.Weights()) != len(ref.Initial) {
		t.Fatalf("%d weights, reference %d", len(g.Weights()), len(ref.Initial))
	}
	for _, p := range g.Weights() {
		w, ok := ref.Initial[p.Name]
		if !ok || !slices.Equal(w.Shape, p.Shape) {
			t.Fatalf("%s %v: reference %v", p.Name, p.Shape, w.Shape)
		}
		copy(p.Value, w.tensor().Data)
	}
	g.WeightsChanged()
	return g
}

// refBatches serves the reference's batches in order.
type refBatches struct {
	ref fitGraphRef
	i   int
}

func (s *refBatches) Next(x, y *Tensor) error {
	b := s.ref.Batches[s.i%len(s.ref.Batches)]
	s.i++
	copy(x.Data, b.X.tensor().Data)
	for i, c := range b.Y {
		y.Data[i] = float32(c)
	}
	return nil
}

// TestFitGraphTorch trains a small residual graph (BatchNormalization in
// training mode, an Add, a softmax Dense) for two SGD steps with momentum,
// once with TrainBatch and once with Fit, and compares the losses and
// every weight afterwards (moving statistics included) with PyTorch's.
func TestFitGraphTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/torch/fit_graph.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref fitGraphRef
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	for _, how := range []string{"TrainBatch", "Fit"} {
		t.Run(how, func(t *testing.T) {
			g := residualNet(t, ref)
			tr := NewGraphTrainer(g, SparseCategoricalCrossentropy{}, &SGD{LR: 0.1, Momentum: 0.9})
			var losses []float64
			src := &refBatches{ref: ref}
			if how == "TrainBatch" {
				x, y := NewTensor(4, 6, 6, 3), NewTensor(4, 1)
				for range ref.Batches {
					src.Next(x, y)
					loss, _ := tr.TrainBatch(x, y)
					losses = append(losses, loss)
				}
			} else {
				_, err := tr.Fit(context.Background(), src, FitConfig{Epochs: 1, StepsPerEpoch: 2, BatchSize: 4,
					OnBatch: func(b BatchLog) { losses = append(losses, b.Loss*float64(b.Step+1)-sum(losses)) }})
				if err != nil {
					t.Fatal(err)
				}
			}
			for i, l := range losses {
				if math.Abs(l-ref.Losses[i]) > 1e-5*math.Max(1, ref.Losses[i]) {
					t.Errorf("loss %d = %.7g, PyTorch %.7g", i+1, l, ref.Losses[i])
				}
			}
			if len(losses) != len(ref.Losses) {
				t.Errorf("%d losses, expected %d", len(losses), len(ref.Losses))
			}
			for _, p := range g.Weights() {
				closeToTorch(t, p.Name+" after 2 steps", p.Value, p.Shape, ref.Final[p.Name], 1e-5)
				if init := ref.Initial[p.Name].tensor().Data; slices.Equal(init, p.Value) {
					t.Errorf("%s did not change", p.Name)
				}
			}
		})
	}
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

func TestFitGraphRefuses(t *testing.T) {
	g := NewGraph([]int{4})
	d, _ := g.Add(NewDense(2), GraphInput)
	e, _ := g.Add(NewDense(3), GraphInput)
	g.SetOutputs(d, e)
	src := &refBatches{}
	for _, tc := range []struct {
		tr   *Trainer
		want string
	}{
		{NewGraphTrainer(g, SparseCategoricalCrossentropy{}, NewSGD(0.1)), "the graph is not built"},
		{&Trainer{Loss: SparseCategoricalCrossentropy{}}, "the Trainer has no model"},
	} {
		if _, err := tc.tr.Fit(context.Background(), src, FitConfig{StepsPerEpoch: 1}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Fit: %v, expected %q", err, tc.want)
		}
	}
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	tr := NewGraphTrainer(g, SparseCategoricalCrossentropy{}, NewSGD(0.1))
	if _, err := tr.Fit(context.Background(), src, FitConfig{StepsPerEpoch: 1}); err == nil || !strings.Contains(err.Error(), "expected a graph with 1 output, received 2") {
		t.Errorf("Fit of a two-output graph: %v", err)
	}
	if _, _, err := tr.Evaluate(context.Background(), src, 1, 1); err == nil || !strings.Contains(err.Error(), "expected a graph with 1 output") {
		t.Errorf("Evaluate of a two-output graph: %v", err)
	}
}
