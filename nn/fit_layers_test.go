package nn

import (
	"context"
	"fmt"
	"math/rand"
	"testing"
)

// bars is a BatchSource of 8×8 grayscale images holding one bright bar at a
// random position on a noisy background: horizontal for class 0, vertical
// for class 1.
type bars struct{ rng *rand.Rand }

func (b *bars) Next(x, y *Tensor) error {
	for i := 0; i < x.Shape[0]; i++ {
		img := x.Sample(i)
		for j := range img {
			img[j] = 0.2 * b.rng.Float32()
		}
		c, pos := b.rng.Intn(2), b.rng.Intn(8)
		for k := 0; k < 8; k++ {
			if c == 0 {
				img[pos*8+k] += 0.8
			} else {
				img[k*8+pos] += 0.8
			}
		}
		y.Data[i] = float32(c)
	}
	return nil
}

func barsModel(t *testing.T, seed int64) *Sequential {
	t.Helper()
	m, err := NewSequential([]int{8, 8, 1},
		NewConv2D(4, 3, 3, WithActivation("relu")),
		NewMaxPooling2D(2, 2),
		NewFlatten(),
		NewDense(1, WithActivation("sigmoid")))
	if err != nil {
		t.Fatal(err)
	}
	m.Init(seed)
	return m
}

// TestFitConvNetLearnsBars trains the real layers end to end.
func TestFitConvNetLearnsBars(t *testing.T) {
	tr := NewTrainer(barsModel(t, 1), BinaryCrossentropy{}, NewRMSprop(0.01))
	hist, err := tr.Fit(context.Background(), &bars{rand.New(rand.NewSource(2))}, FitConfig{
		Epochs: 6, StepsPerEpoch: 25, BatchSize: 16,
		Validation: &bars{rand.New(rand.NewSource(3))}, ValidationSteps: 8,
	})
	if err != nil {
		t.Fatal(err)
	}
	acc := hist.Values("val_accuracy")
	if last := acc[len(acc)-1]; last < 0.9 {
		t.Errorf("validation accuracy %v after %d epochs, want > 0.9 (history %v)", last, len(acc), acc)
	}
}

// TestFitConvNetDeterministic checks that the parallel layers and optimizer
// give bit-identical weights for the same seeds, with several workers.
func TestFitConvNetDeterministic(t *testing.T) {
	run := func() []float32 {
		m := barsModel(t, 4)
		m.SetEngine(Engine{Workers: 2})
		tr := NewTrainer(m, BinaryCrossentropy{}, NewAdam(0.01))
		if _, err := tr.Fit(context.Background(), &bars{rand.New(rand.NewSource(5))}, FitConfig{Epochs: 2, StepsPerEpoch: 10, BatchSize: 32}); err != nil {
			t.Fatal(err)
		}
		return weights(tr.Model)
	}
	if !bitEqual(run(), run()) {
		t.Error("two runs with the same seeds gave different weights")
	}
}

func ExampleTrainer_Fit() {
	// A small convnet learns to tell horizontal from vertical bars.
	model, _ := NewSequential([]int{8, 8, 1},
		NewConv2D(4, 3, 3, WithActivation("relu")),
		NewMaxPooling2D(2, 2),
		NewFlatten(),
		NewDense(1, WithActivation("sigmoid")))
	model.Init(1)
	trainer := NewTrainer(model, BinaryCrossentropy{}, NewRMSprop(0.01))
	hist, err := trainer.Fit(context.Background(), &bars{rand.New(rand.NewSource(2))}, FitConfig{
		Epochs: 6, StepsPerEpoch: 25, BatchSize: 16,
		Validation: &bars{rand.New(rand.NewSource(3))}, ValidationSteps: 8,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	acc := hist.Values("val_accuracy")
	fmt.Println(hist.Keys())
	fmt.Println("epochs:", hist.Len(), "final val_accuracy > 0.9:", acc[len(acc)-1] > 0.9)
	// Output:
	// [loss accuracy val_loss val_accuracy]
	// epochs: 6 final val_accuracy > 0.9: true
}
