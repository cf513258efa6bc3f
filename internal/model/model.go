// Package model is what the command line and the desktop app share about a
// model: the network with its metadata (class names, preprocessing,
// history), opening model files, preprocessing an image for it (one resize
// yields the network's input and the preview), interpreting its outputs as
// class probabilities, the built-in model and samples, and opening training
// data as Keras' flow_from_directory does.
//
// It imports nn, internal/dataset and assets, and never the app's session
// or Fyne.
package model

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/internal/keras"
	"github.com/convscope/convscope/internal/onnx"
	"github.com/convscope/convscope/nn"
)

// Model is a network together with what is known about it. What shows a
// model (the app's session, the CLI's predict) uses its methods — Prepare,
// Forward, MapLayers, Kernel, Predict, Outputs — rather than Net, so that
// another kind of network (nn.Graph) needs only those methods taught.
type Model struct {
	// Net is the network when it is a Sequential model (the tutorial's, or
	// a Keras Sequential file): only those train. Nil for a graph.
	// Whoever runs the network owns it: the app's session hands it to one
	// goroutine, the command line uses it directly.
	Net *nn.Sequential
	// Graph is the network when it is a graph (a Keras functional model,
	// an ONNX file, a graph .safetensors); nil for a Sequential model.
	Graph *nn.Graph
	// Preprocess is the preprocessing preset an ONNX model was opened with
	// (PresetTutorial, …); "" for formats that record their own.
	Preprocess string
	// Classes names the outputs: two names for a binary (sigmoid) model,
	// one per output otherwise. Missing names are shown as "class i".
	Classes []string
	// Label describes where the model came from, for a window title.
	Label string
	// Path is the file the model was loaded from or saved to ("" if none).
	Path string
	// Trained is false for freshly initialised weights.
	Trained bool
	// Meta is the file metadata: preprocessing and training history.
	// Classes wins over Meta.ClassNames.
	Meta nn.Metadata
}

// BuiltinPrefix names a model shipped inside the program: "builtin:default"
// is the embedded default model.
const BuiltinPrefix = "builtin:"

// Open reads a model file, choosing the format by its extension
// (.safetensors, as Convscope saves, Sequential or graph; ONNX .onnx with
// the preprocessing it records, else the tutorial's; Keras' .h5 and .keras, Sequential or
// functional), or a built-in model ("builtin:default"). See OpenWith.
func Open(path string) (*Model, error) { return OpenWith(path, "") }

// OpenWith is Open with the preprocessing preset for an ONNX file, which
// usually records none (PresetTutorial, PresetImageNet or PresetRaw; "" is
// what the file records — Convscope's export writes it — else
// PresetTutorial; Model.Preprocess then names the preset it matches, or is
// PresetRecorded). Other formats record their preprocessing and refuse a
// preset.
func OpenWith(path, preset string) (*Model, error) {
	if name, ok := strings.CutPrefix(path, BuiltinPrefix); ok {
		if preset != "" {
			return nil, fmt.Errorf("%s: a preprocessing preset applies to .onnx models only", path)
		}
		return openBuiltin(name)
	}
	ext := strings.ToLower(filepath.Ext(path))
	if preset != "" && ext != ".onnx" {
		return nil, fmt.Errorf("%s: a preprocessing preset applies to .onnx models only (this file records its own)", filepath.Base(path))
	}
	m := &Model{Label: filepath.Base(path), Path: path, Trained: true}
	switch ext {
	case ".safetensors":
		net, meta, err := nn.LoadFile(path)
		if err != nil && strings.Contains(err.Error(), "is a graph") {
			m.Graph, meta, err = nn.LoadGraphFile(path)
		}
		if err != nil {
			return nil, err
		}
		if m.Graph == nil {
			m.Net = net
		}
		m.Meta, m.Classes = meta, meta.ClassNames
	case ".onnx":
		// "" reads what the file records, else the tutorial's (onnx.Options).
		g, meta, err := onnx.Load(path, onnx.Options{Preprocess: preset})
		if err != nil {
			return nil, err
		}
		if preset == "" {
			in := g.InputShape()
			preset = matchPreset(meta, in[len(in)-1])
		}
		m.Graph, m.Meta, m.Classes, m.Preprocess = g, meta, meta.ClassNames, preset
	case ".h5", ".hdf5", ".keras":
		net, meta, err := keras.Load(path)
		if err != nil {
			return nil, err
		}
		switch n := net.(type) {
		case *nn.Sequential:
			m.Net = n
		case *nn.Graph:
			m.Graph = n
		default:
			return nil, fmt.Errorf("%s: expected a Sequential or functional model, received %T", filepath.Base(path), net)
		}
		m.Meta = meta
	default:
		return nil, fmt.Errorf("%s: expected a model file (%s), received %q", filepath.Base(path), strings.Join(Extensions, ", "), ext)
	}
	return m, nil
}

// Extensions are the model file extensions Open reads.
var Extensions = []string{".safetensors", ".onnx", ".h5", ".hdf5", ".keras"}

// NeedsPreprocess reports whether a model file records no preprocessing
// (an ONNX file), so that the user picks a preset for it.
func NeedsPreprocess(path string) bool { return strings.EqualFold(filepath.Ext(path), ".onnx") }

// IsModelName reports whether a file name has a model extension.
func IsModelName(name string) bool {
	return slices.Contains(Extensions, strings.ToLower(filepath.Ext(name)))
}

func openBuiltin(name string) (*Model, error) {
	b, err := assets.LookupBuiltin(BuiltinPrefix + name)
	if err != nil {
		return nil, err
	}
	if b.Name == assets.Builtins()[0].Name {
		return Read(b.Model, "reference model (embedded weights)")
	}
	return Read(b.Model, "built-in model "+b.Name)
}

// Read reads a model from safetensors bytes in memory (the embedded
// default model); label names it.
func Read(data []byte, label string) (*Model, error) {
	net, meta, err := nn.Load(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return &Model{Net: net, Classes: meta.ClassNames, Label: label, Trained: true, Meta: meta}, nil
}

// Default returns the embedded trained model (safetensors bytes), or, when
// there is none or it does not load, the reference architecture with fresh
// weights named by classes (err then says why the embedded one was not
// used; the model is still usable).
func Default(embedded []byte, classes []string) (*Model, error) {
	var why error
	if len(embedded) > 0 {
		m, err := Read(embedded, "reference model (embedded weights)")
		if err == nil {
			return m, nil
		}
		why = fmt.Errorf("the embedded model does not load: %w", err)
	}
	net, err := nn.ReferenceModel()
	if err != nil {
		return nil, err
	}
	return &Model{Net: net, Classes: classes, Label: "reference model (untrained)"}, why
}

// Save writes m to path atomically (safetensors with its metadata), with
// history h if non-nil (else the history it was loaded with).
func (m *Model) Save(path string, h *nn.History) error {
	meta := m.Metadata(h)
	if meta.History == nil {
		meta.History = m.Meta.History
	}
	if m.Graph != nil {
		return nn.SaveGraphFile(path, m.Graph, meta)
	}
	return nn.SaveFile(path, m.Net, meta)
}

// CloneNet returns a new network with m's architecture, weights and
// engine, for a second goroutine (training) to own. Call it while no one
// else uses m.Net.
func (m *Model) CloneNet() (*nn.Sequential, error) {
	if m.Net == nil {
		return nil, ErrNotSequential
	}
	net, err := m.Net.Arch().Build()
	if err != nil {
		return nil, err
	}
	net.SetEngine(m.Net.Engine())
	if err := net.CopyWeightsFrom(m.Net); err != nil {
		return nil, err
	}
	return net, nil
}

// Prep returns the preprocessing of the model's input: its height, width
// and channels, pixels rescaled (by 1/255 unless the metadata says
// otherwise, the tutorial's ImageDataGenerator).
func (m *Model) Prep() dataset.Options {
	in := m.InputShape()
	o := dataset.Options{Height: in[0], Width: in[1], ColorMode: dataset.RGB, Rescale: float32(m.Meta.Rescale)}
	if len(in) == 3 && in[2] == 1 {
		o.ColorMode = dataset.Grayscale
	}
	if m.Meta.Interpolation == string(dataset.Bilinear) {
		o.Interpolation = dataset.Bilinear
	}
	return o
}

// Outputs returns the number of values the model outputs per sample.
func (m *Model) Outputs() int {
	n := 1
	for _, d := range m.OutputShape() {
		n *= d
	}
	return n
}

// InputShape is the network's per-sample input shape (H, W, C).
func (m *Model) InputShape() []int {
	if m.Graph != nil {
		return m.Graph.InputShape()
	}
	return m.Net.InputShape()
}

// OutputShape is the per-sample shape of the network's (first) output.
func (m *Model) OutputShape() []int {
	if m.Graph != nil {
		return m.Graph.OutputShape()
	}
	return m.Net.OutputShape()
}

// IsGraph reports whether the network is a graph (nn.Graph) rather than a
// Sequential model.
func (m *Model) IsGraph() bool { return m.Graph != nil }

// ErrNotSequential is returned for what only a Sequential model can do
// (training here, CloneNet).
var ErrNotSequential = errors.New("this model is a graph (functional, ONNX): training works on Sequential models such as the tutorial's")

// Summary writes Keras' model.summary() of the network: the Sequential
// table, or the functional one with "Connected to" for a graph.
func (m *Model) Summary(w io.Writer) error {
	if m.Graph != nil {
		return m.Graph.Summary(w)
	}
	return m.Net.Summary(w)
}

// Outputs returns the number of values net outputs per sample (the product
// of its output shape).
func Outputs(net *nn.Sequential) int {
	n := 1
	for _, d := range net.OutputShape() {
		n *= d
	}
	return n
}

// Metadata returns what a saved file records for m: its class names and
// preprocessing, with history h if non-nil.
func (m *Model) Metadata(h *nn.History) nn.Metadata {
	meta := m.Meta
	meta.ClassNames = nil
	if n := len(m.Classes); n > 0 {
		want := m.Outputs()
		if want == 1 {
			want = 2
		}
		if n == want {
			meta.ClassNames = append([]string(nil), m.Classes...)
		}
	}
	if h != nil {
		meta.History = h
	}
	return meta
}

// ClassName returns the name of class i.
func (m *Model) ClassName(i int) string {
	if i >= 0 && i < len(m.Classes) && m.Classes[i] != "" {
		return m.Classes[i]
	}
	return fmt.Sprintf("class %d", i)
}
