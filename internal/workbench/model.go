package workbench

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/nn"
)

// Model is a network together with what the UI needs to know about it.
type Model struct {
	// Net is the network. Once handed to a Bench it belongs to the Bench's
	// worker goroutine.
	Net *nn.Sequential
	// Classes names the outputs: two names for a binary (sigmoid) model,
	// one per output otherwise. Missing names are shown as "class i".
	Classes []string
	// Label describes where the model came from, for the window.
	Label string
	// Path is the file the model was loaded from or saved to ("" if none).
	Path string
	// Trained is false for freshly initialised weights.
	Trained bool
	// Meta is the file metadata: preprocessing and training history.
	// Classes wins over Meta.ClassNames.
	Meta nn.Metadata
}

// CloneNet returns a new network with m's architecture and weights, for a
// second goroutine (training) to own. Call it while no one else uses
// m.Net (Bench.WithNet).
func (m *Model) CloneNet() (*nn.Sequential, error) {
	net, err := m.Net.Arch().Build()
	if err != nil {
		return nil, err
	}
	if err := net.CopyWeightsFrom(m.Net); err != nil {
		return nil, err
	}
	return net, nil
}

// Prep returns the preprocessing of the model's input: its height, width
// and channels, pixels rescaled by 1/255 (the tutorial's ImageDataGenerator).
func (m *Model) Prep() dataset.Options {
	in := m.Net.InputShape()
	o := dataset.Options{Height: in[0], Width: in[1], ColorMode: dataset.RGB, Rescale: float32(m.Meta.Rescale)}
	if len(in) == 3 && in[2] == 1 {
		o.ColorMode = dataset.Grayscale
	}
	if m.Meta.Interpolation == string(dataset.Bilinear) {
		o.Interpolation = dataset.Bilinear
	}
	return o
}

// Metadata returns what a saved file records for m: its class names and
// preprocessing, with history if given.
func (m *Model) Metadata(h *nn.History) nn.Metadata {
	meta := m.Meta
	meta.ClassNames = nil
	if n := len(m.Classes); n > 0 {
		want := 1
		for _, d := range m.Net.OutputShape() {
			want *= d
		}
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

// LoadModelFile reads a model saved by Convscope (safetensors).
func LoadModelFile(path string) (*Model, error) {
	net, meta, err := nn.LoadFile(path)
	if err != nil {
		return nil, err
	}
	return &Model{Net: net, Classes: meta.ClassNames, Label: baseName(path), Path: path, Trained: true, Meta: meta}, nil
}

// LoadModelBytes reads a model from memory (the embedded default model).
func LoadModelBytes(data []byte, label string) (*Model, error) {
	net, meta, err := nn.Load(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return &Model{Net: net, Classes: meta.ClassNames, Label: label, Trained: true, Meta: meta}, nil
}

// DefaultModel returns the embedded trained model, or, when there is none
// or it does not load, the reference architecture with fresh weights (err
// then says why the embedded one was not used; the model is still usable).
func DefaultModel(embedded []byte, classes []string) (*Model, error) {
	var why error
	if len(embedded) > 0 {
		m, err := LoadModelBytes(embedded, "reference model (embedded weights)")
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

// SaveModel writes the bench's model to path atomically (safetensors with
// metadata), with history h if non-nil.
func (b *Bench) SaveModel(path string, h *nn.History) error {
	return b.WithNet(func(m *Model) error {
		meta := m.Metadata(h)
		if meta.History == nil {
			meta.History = m.Meta.History
		}
		return nn.SaveFile(path, m.Net, meta)
	})
}

// ClassName returns the name of class i.
func (m *Model) ClassName(i int) string {
	if i >= 0 && i < len(m.Classes) && m.Classes[i] != "" {
		return m.Classes[i]
	}
	return fmt.Sprintf("class %d", i)
}

// ClassProb is one class and its predicted probability.
type ClassProb struct {
	Index int
	Name  string
	Prob  float64
}

// Prediction is the model's answer for one image.
type Prediction struct {
	// Top holds the classes by decreasing probability (at most TopK).
	Top []ClassProb
	// Binary is set for a single sigmoid output, where Top holds both
	// classes: p and 1-p.
	Binary bool
}

// TopK is the number of classes a multi-class prediction lists.
const TopK = 5

// ClassProbabilities interprets one sample's outputs as the probability of
// every class, sorted by decreasing probability (ties keep class order): a
// single sigmoid output p is class 1 with probability p and class 0 with
// 1 − p (so p = 0.5 is class 0, as Keras' p > 0.5 threshold); several
// outputs are the classes' probabilities, normalised if they do not sum to
// 1 (a softmax's do).
func ClassProbabilities(m *Model, out []float32) []ClassProb {
	var all []ClassProb
	if len(out) == 1 {
		p := float64(out[0])
		all = []ClassProb{{0, m.ClassName(0), 1 - p}, {1, m.ClassName(1), p}}
	} else {
		var sum float64
		for _, v := range out {
			sum += float64(v)
		}
		if !(sum > 0) {
			sum = 1
		}
		all = make([]ClassProb, len(out))
		for i, v := range out {
			all[i] = ClassProb{i, m.ClassName(i), float64(v) / sum}
		}
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].Prob > all[b].Prob })
	return all
}

// predict interprets one sample's output values for display: both classes
// of a binary model, the TopK most likely of a multi-class one.
func predict(m *Model, out []float32) Prediction {
	top := ClassProbabilities(m, out)
	if len(top) > TopK {
		top = top[:TopK]
	}
	return Prediction{Top: top, Binary: len(out) == 1}
}

// IsMapLayer reports whether layer kind k produces channel maps the grid
// shows (convolutions and pooling with a spatial output).
func IsMapLayer(l nn.Layer, shape []int) bool {
	if len(shape) != 3 {
		return false
	}
	switch l.Kind() {
	case "Conv2D", "MaxPooling2D", "AveragePooling2D", "DepthwiseConv2D", "SeparableConv2D":
		return true
	}
	return false
}
