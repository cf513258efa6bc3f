package cli

import (
	"context"
	"fmt"
	"os"
)

func ExampleIsCommand() {
	for _, args := range [][]string{nil, {"cat.jpg"}, {"train", "--train", "data"}, {"--help"}} {
		fmt.Printf("%q → %v\n", args, IsCommand(args))
	}
	// Output:
	// [] → false
	// ["cat.jpg"] → false
	// ["train" "--train" "data"] → true
	// ["--help"] → true
}

func ExampleMain() {
	code := Main(context.Background(), []string{"summary", "--arch", "testdata/missing.json"}, nil, os.Stdout, os.Stdout)
	fmt.Println("exit status", code)
	code = Main(context.Background(), []string{"predict", "--top", "3"}, nil, os.Stdout, os.Stdout)
	fmt.Println("exit status", code)
	// Output:
	// convscope summary: open testdata/missing.json: no such file or directory
	// exit status 1
	// convscope predict: flag provided but not defined: --top
	//
	// Usage: convscope predict [--model FILE] [--json] IMAGE...
	//
	// Classifies each IMAGE with the model: prints the most likely class and
	// its probability, one line per image. An image is preprocessed exactly as
	// in training (resized to the model's input, pixels rescaled). Images that
	// cannot be read are reported on stderr and the exit status is 1.
	// Without --model, the embedded default model.
	//
	// Flags:
	//   --json                  print a JSON array with every class's probability
	//   --model FILE            a trained model FILE (.safetensors or .onnx), or builtin:shapes (the default) or builtin:fashion
	//   --preprocess PRESET     PRESET for an .onnx model: tutorial (×1/255), imagenet (×1/255, then ImageNet mean/std) or raw (0–255); default: what the file records (convscope export writes it), else tutorial
	// exit status 2
}
