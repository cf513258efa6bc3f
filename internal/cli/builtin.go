package cli

import (
	"io"

	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/model"
)

// modelFlagHelp describes --model in every command that takes one.
const modelFlagHelp = "a trained model `FILE` (.safetensors or .onnx), or builtin:shapes (the default) or builtin:fashion"

// loadBuiltin returns the built-in model a --model value names
// (assets.LookupBuiltin): "builtin" and "builtin:shapes" are the default
// model, "builtin:fashion" the Fashion-MNIST one.
func loadBuiltin(spec string, stderr io.Writer) (*model.Model, error) {
	b, err := assets.LookupBuiltin(spec)
	if err != nil {
		return nil, err
	}
	if b.Name == assets.Builtins()[0].Name {
		return loadModel("", "", stderr)
	}
	return model.Read(b.Model, "built-in model "+b.Name)
}
