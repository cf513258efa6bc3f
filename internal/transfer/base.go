package transfer

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/convscope/convscope/internal/keras"
	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/internal/onnx"
	"github.com/convscope/convscope/nn"
)

// OpenBase opens a model to use as a base, as a graph with its metadata
// (preprocessing): "builtin" or "builtin:NAME" for a model inside the
// program, a Convscope .safetensors file, an ONNX file (opts' preprocessing
// preset) or a Keras .h5/.keras file.
func OpenBase(spec string, opts onnx.Options) (*nn.Graph, nn.Metadata, error) {
	if spec == "builtin" {
		spec = model.BuiltinPrefix + "default"
	}
	if strings.HasPrefix(spec, model.BuiltinPrefix) {
		m, err := model.Open(spec)
		if err != nil {
			return nil, nn.Metadata{}, err
		}
		g, err := m.Net.ToGraph()
		return g, m.Meta, err
	}
	switch ext := strings.ToLower(filepath.Ext(spec)); ext {
	case ".safetensors":
		return nn.LoadGraphFile(spec)
	case ".onnx":
		return onnx.Load(spec, opts)
	case ".h5", ".hdf5", ".keras":
		m, meta, err := keras.Load(spec)
		if err != nil {
			return nil, meta, err
		}
		switch v := m.(type) {
		case *nn.Graph:
			return v, meta, nil
		case *nn.Sequential:
			g, err := v.ToGraph()
			return g, meta, err
		}
		return nil, meta, fmt.Errorf("%s: unexpected model type %T", filepath.Base(spec), m)
	default:
		return nil, nn.Metadata{}, fmt.Errorf("%s: expected a model file (.safetensors, .onnx, .h5, .keras) or builtin[:NAME], received %q", filepath.Base(spec), ext)
	}
}
