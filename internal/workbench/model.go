package workbench

import (
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
	o := dataset.Options{Height: in[0], Width: in[1], ColorMode: dataset.RGB}
	if len(in) == 3 && in[2] == 1 {
		o.ColorMode = dataset.Grayscale
	}
	return o
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

// predict interprets one sample's output values.
func predict(m *Model, out []float32) Prediction {
	if len(out) == 1 {
		p := float64(out[0])
		top := []ClassProb{{1, m.ClassName(1), p}, {0, m.ClassName(0), 1 - p}}
		if p < 0.5 {
			top[0], top[1] = top[1], top[0]
		}
		return Prediction{Top: top, Binary: true}
	}
	// Outputs of a softmax sum to 1; anything else is shown normalised.
	var sum float64
	for _, v := range out {
		sum += float64(v)
	}
	if !(sum > 0) {
		sum = 1
	}
	top := make([]ClassProb, len(out))
	for i, v := range out {
		top[i] = ClassProb{i, m.ClassName(i), float64(v) / sum}
	}
	sort.SliceStable(top, func(a, b int) bool { return top[a].Prob > top[b].Prob })
	if len(top) > TopK {
		top = top[:TopK]
	}
	return Prediction{Top: top}
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
