package explain_test

import (
	"context"
	"fmt"

	"github.com/convscope/convscope/internal/explain"
	"github.com/convscope/convscope/nn"
)

// A flat map says so in words instead of painting the image one colour.
func ExampleNormalize() {
	h := explain.Normalize([]float32{0, 0, 0, 0}, 2, 2)
	fmt.Println(h.Flat, h.Note)
	h = explain.Normalize([]float32{0, 1, 2, 4}, 2, 2)
	fmt.Println(h.Flat, h.Values)
	// Output:
	// true flat map: every value is 0 (the score does not depend on this input or layer here)
	// false [0 0.25 0.5 1]
}

// Grad-CAM of a small convnet's predicted class at its default layer.
func ExampleExplainer_Explain() {
	m, _ := nn.NewSequential([]int{10, 10, 1},
		nn.NewConv2D(4, 3, 3, nn.WithActivation("relu")), nn.NewMaxPooling2D(2, 2),
		nn.NewFlatten(), nn.NewDense(1, nn.WithActivation("sigmoid")))
	x := make([]float32, 100)
	for i := range x {
		x[i] = float32(i%7) / 7
	}
	e := explain.New(explain.FromSequential(m))
	r, err := e.Explain(context.Background(), x, explain.Options{Method: explain.GradCAM, Class: explain.Predicted})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Layer, r.RawShape, "class", r.Class)
	// Output:
	// conv2d_1 [8 8] class 1
}
