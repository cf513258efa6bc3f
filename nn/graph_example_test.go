package nn_test

import (
	"fmt"
	"os"

	"github.com/convscope/convscope/nn"
)

// A residual block, as Keras' functional API builds it: nodes name their
// inputs, Add joins the two branches, and every node's output is kept.
func ExampleGraph() {
	g := nn.NewGraph([]int{32, 32, 3})
	stem, _ := g.Add(nn.NewConv2D(16, 3, 3, nn.WithPadding("same"), nn.WithActivation("relu")), nn.GraphInput)
	a, _ := g.Add(nn.NewConv2D(16, 3, 3, nn.WithPads(1, 1, 1, 1)), stem) // ONNX-style explicit padding
	b, _ := g.Add(nn.NewBatchNormalization(), a)
	sum, _ := g.Add(nn.NewAdd(), stem, b)
	relu, _ := g.Add(nn.NewReLU(0, 0, 0), sum)
	gap, _ := g.Add(nn.NewGlobalAveragePooling2D(), relu)
	g.Add(nn.NewDense(10, nn.WithActivation("softmax")), gap)
	if err := g.Build(); err != nil {
		fmt.Println(err)
		return
	}
	g.Forward(nn.NewTensor(1, 32, 32, 3), false)
	for _, n := range g.Nodes() {
		fmt.Println(n.Name, n.Kind, n.Inputs, g.Output(n.Name).Shape, n.Weights)
	}
	// Output:
	// conv2d_1 Conv2D [input] [1 32 32 16] 448
	// conv2d_2 Conv2D [conv2d_1] [1 32 32 16] 2320
	// batch_normalization_1 BatchNormalization [conv2d_2] [1 32 32 16] 64
	// add_1 Add [conv2d_1 batch_normalization_1] [1 32 32 16] 0
	// re_lu_1 ReLU [add_1] [1 32 32 16] 0
	// global_average_pooling2d_1 GlobalAveragePooling2D [re_lu_1] [1 16] 0
	// dense_1 Dense [global_average_pooling2d_1] [1 10] 170
}

// Grad-CAM needs the gradient of one class score at a hidden layer's
// output, and nothing else: inject the gradient at the output, stop at the
// layer, skip the weights.
func ExampleGraph_BackwardWith() {
	g := nn.NewGraph([]int{8, 8, 1})
	g.Add(nn.NewConv2D(4, 3, 3, nn.WithName("features"), nn.WithActivation("relu")), nn.GraphInput)
	g.Add(nn.NewGlobalAveragePooling2D(), "features")
	g.Add(nn.NewDense(2, nn.WithName("logits")), "global_average_pooling2d_1")
	if err := g.Build(); err != nil {
		fmt.Println(err)
		return
	}
	x := nn.NewTensor(1, 8, 8, 1)
	for i := range x.Data {
		x.Data[i] = float32(i%7) / 7
	}
	g.Forward(x, false)
	score := nn.NewTensor(1, 2)
	score.Data[1] = 1 // d(logit of class 1)
	err := g.BackwardWith(nn.BackwardOptions{StopAt: "features", SkipWeights: true}, score)
	fmt.Println(err, g.Grad("features").Shape, g.Grad(nn.GraphInput) == nil)
	// Output:
	// <nil> [1 6 6 4] true
}

// The architecture of a graph is Keras' functional model_config; model
// files carry it with the weights (SaveGraphFile).
func ExampleGraphArch_MarshalJSON() {
	g := nn.NewGraph([]int{4, 4, 2})
	g.Add(nn.NewConv2D(2, 1, 1, nn.WithName("a")), nn.GraphInput)
	g.Add(nn.NewConcatenate(nn.WithName("cat")), nn.GraphInput, "a")
	if err := g.Build(); err != nil {
		fmt.Println(err)
		return
	}
	b, _ := g.Arch().MarshalJSON()
	os.Stdout.Write(b)
	// Output:
	// {"class_name": "Functional", "config": {
	//   "name": "model",
	//   "layers": [
	//     {"class_name": "InputLayer", "name": "input", "config": {"batch_input_shape": [null, 4, 4, 2], "name": "input"}, "inbound_nodes": []},
	//     {"class_name": "Conv2D", "name": "a", "config": {"name": "a", "filters": 2, "kernel_size": [1, 1], "strides": [1, 1], "padding": "valid", "activation": "linear", "use_bias": true}, "inbound_nodes": [[["input", 0, 0, {}]]]},
	//     {"class_name": "Concatenate", "name": "cat", "config": {"name": "cat"}, "inbound_nodes": [[["input", 0, 0, {}], ["a", 0, 0, {}]]]}
	//   ],
	//   "input_layers": [["input", 0, 0]],
	//   "output_layers": [["cat", 0, 0]]
	// }}
}
