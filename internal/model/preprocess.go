package model

import (
	"fmt"
	"math"

	"github.com/convscope/convscope/internal/onnx"
	"github.com/convscope/convscope/nn"
)

// Preprocessing presets for models whose file records none (ONNX).
const (
	PresetTutorial = onnx.PresetTutorial
	PresetImageNet = onnx.PresetImageNet
	PresetRaw      = onnx.PresetRaw
)

// PresetRecorded is the Preprocess of an ONNX file that records a
// preprocessing no preset matches (Convscope's export of a model with its
// own mean and std).
const PresetRecorded = "recorded"

// matchPreset returns the preset whose preprocessing meta holds for an
// input of c channels: an ONNX file opened without a preset gets what it
// records (Convscope's export writes it), else the tutorial's. A recorded
// preprocessing that matches no preset gives PresetRecorded.
func matchPreset(meta nn.Metadata, c int) string {
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }
	all := func(a, b []float64) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if !near(a[i], b[i]) {
				return false
			}
		}
		return true
	}
	for _, p := range Presets {
		var want nn.Metadata
		if onnx.PresetMetadata(&want, p.Name, c) != nil {
			continue
		}
		if near(meta.Rescale, want.Rescale) && all(meta.Mean, want.Mean) && all(meta.Std, want.Std) && meta.Interpolation == want.Interpolation {
			return p.Name
		}
	}
	return PresetRecorded
}

// Preset is a preprocessing preset and what it does, in one line.
type Preset struct {
	Name, Help string
}

// Presets lists the preprocessing presets, default first.
var Presets = []Preset{
	{PresetTutorial, "pixels × 1/255, values 0–1 (the Keras tutorial; most Keras models)"},
	{PresetImageNet, "pixels × 1/255, then ImageNet mean and std per channel (torchvision models)"},
	{PresetRaw, "pixel values 0–255 as they are (models that normalise inside)"},
}

// WithPreprocess returns a copy of m, an ONNX model, that prepares images
// with preset; the copy shares m's network (one of them is on screen at a
// time).
func (m *Model) WithPreprocess(preset string) (*Model, error) {
	if m.Preprocess == "" {
		return nil, fmt.Errorf("%s records its preprocessing: presets apply to .onnx models", m.Label)
	}
	c := *m
	in := m.InputShape()
	c.Meta.Mean, c.Meta.Std = nil, nil
	if err := onnx.PresetMetadata(&c.Meta, preset, in[len(in)-1]); err != nil {
		return nil, err
	}
	c.Preprocess = preset
	return &c, nil
}
