package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/nn"
)

// embeddedModel returns the default model's safetensors bytes (tests may
// replace it).
var embeddedModel = func() []byte { return assets.DefaultModel }

// defaultClasses names the reference model's two outputs (the tutorial's
// cats-vs-dogs folders) when it runs with untrained weights.
var defaultClasses = []string{"cats", "dogs"}

// loadModel returns the model named by --model (a file, or builtin:NAME),
// or the one built from --arch (a JSON architecture, weights drawn with
// seed 0), or the embedded default model. Without an embedded model it
// says on stderr that it uses the reference architecture with untrained
// weights.
func loadModel(modelPath, archPath string, stderr io.Writer) (*model.Model, error) {
	switch {
	case assets.IsBuiltin(modelPath):
		return loadBuiltin(modelPath, stderr)
	case modelPath != "":
		return model.Open(modelPath)
	case archPath != "":
		net, err := buildArch(archPath)
		if err != nil {
			return nil, err
		}
		return &model.Model{Net: net, Label: archPath}, nil
	}
	m, err := model.Default(embeddedModel(), defaultClasses)
	if m == nil {
		return nil, err
	}
	if !m.Trained {
		why := "no embedded model"
		if err != nil {
			why = oneLine(err.Error())
		}
		fmt.Fprintf(stderr, "convscope: %s; using untrained weights\n", why)
	}
	return m, nil
}

// loadModelPreset is loadModel for the commands that take --model and
// --preprocess (checked by checkPreprocess): an ONNX file opens with the
// preset. explain, filters and exemplars had no --preprocess and ran a
// torchvision model on 0–1 pixels instead of ImageNet-normalised ones.
func loadModelPreset(modelPath, preset string, stderr io.Writer) (*model.Model, error) {
	if preset != "" {
		return model.OpenWith(modelPath, preset)
	}
	return loadModel(modelPath, "", stderr)
}

// buildArch reads a JSON architecture file and builds it (seed-0 weights).
func buildArch(path string) (*nn.Sequential, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	a, err := nn.ParseArch(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	net, err := a.Build()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return net, nil
}
