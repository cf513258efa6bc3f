package onnx_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/convscope/convscope/internal/onnx"
	"github.com/convscope/convscope/nn"
)

// Opening an ONNX file exported by PyTorch: the NCHW model becomes an NHWC
// graph whose nodes keep the file's names.
func ExampleRead() {
	f, err := os.Open("testdata/parity/tutorial.onnx")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	g, meta, err := onnx.Read(f, onnx.Options{Preprocess: onnx.PresetTutorial})
	if err != nil {
		fmt.Println(err)
		return
	}
	nodes := g.Nodes()
	fmt.Println("input", g.InputShape(), "output", g.OutputShape())
	fmt.Println(nodes[0].Name, nodes[0].Kind, nodes[0].OutputShape)
	fmt.Println(meta.ClassNames, meta.Rescale == nn.DefaultRescale, meta.Logits)
	// Output:
	// input [62 62 3] output [1]
	// /convs.0/Conv Conv2D [60 60 4]
	// [class 0 class 1] true false
}

// Writing a model as ONNX and reading it back.
func ExampleExportSequential() {
	m, _ := nn.NewSequential([]int{8, 8, 1},
		nn.NewConv2D(2, 3, 3, nn.WithActivation("relu")), nn.NewFlatten(), nn.NewDense(3, nn.WithActivation("softmax")))
	om, err := onnx.ExportSequential(m, nn.Metadata{ClassNames: []string{"a", "b", "c"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	var ops []string
	for _, n := range om.Graph.Nodes {
		ops = append(ops, n.OpType)
	}
	fmt.Println(strings.Join(ops, " "))
	g, meta, err := onnx.Read(bytes.NewReader(om.Marshal()), onnx.Options{})
	fmt.Println(g.InputShape(), meta.ClassNames, err)
	// Output:
	// Conv Relu Flatten Gemm Softmax
	// [8 8 1] [a b c] <nil>
}
