package assets

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
)

// FashionModel is a small convnet trained on Fashion-MNIST (28×28
// grayscale product photos, 10 classes), as a Convscope safetensors file
// with a model card (see README.md for the command that trained it).
//
//go:embed fashion.safetensors
var FashionModel []byte

//go:embed fashion_samples
var fashionSamples embed.FS

// FashionSamples holds ten Fashion-MNIST test images, one folder per class
// (Ankle boot/…, Bag/…, …, T-shirt_top/…, Trouser/…).
var FashionSamples fs.FS = mustSub(fashionSamples, "fashion_samples")

// Builtin is a model that ships inside Convscope.
type Builtin struct {
	// Name is what follows "builtin:" on the command line.
	Name string
	// Model is the model's safetensors bytes.
	Model []byte
	// Samples holds sample images for the model, one folder per class.
	Samples fs.FS
	// Description says in a few words what the model knows.
	Description string
}

// BuiltinPrefix starts a --model value that names a built-in model.
const BuiltinPrefix = "builtin"

// Builtins lists the built-in models; the first is the default.
func Builtins() []Builtin {
	return []Builtin{
		{Name: "shapes", Model: DefaultModel, Samples: Samples, Description: "the tutorial's network trained on generated circles and crosses (150×150 colour)"},
		{Name: "fashion", Model: FashionModel, Samples: FashionSamples, Description: "a small convnet trained on Fashion-MNIST (28×28 grayscale clothing photos, 10 classes)"},
	}
}

// IsBuiltin reports whether a --model value names a built-in model
// ("builtin" or "builtin:NAME") rather than a file.
func IsBuiltin(spec string) bool {
	return spec == BuiltinPrefix || strings.HasPrefix(spec, BuiltinPrefix+":")
}

// LookupBuiltin returns the built-in model a --model value names:
// "builtin" or "builtin:default" (the default, shapes), "builtin:shapes" or
// "builtin:fashion".
func LookupBuiltin(spec string) (Builtin, error) {
	all := Builtins()
	if spec == BuiltinPrefix || spec == BuiltinPrefix+":default" {
		return all[0], nil
	}
	name, ok := strings.CutPrefix(spec, BuiltinPrefix+":")
	names := make([]string, len(all))
	for i, b := range all {
		if ok && b.Name == name {
			return b, nil
		}
		names[i] = BuiltinPrefix + ":" + b.Name
	}
	return Builtin{}, fmt.Errorf("unknown built-in model %q: expected %s, or %s for the default", spec, strings.Join(names, " or "), BuiltinPrefix)
}
