package model

import (
	"fmt"

	"github.com/convscope/convscope/internal/onnx"
)

// Preprocessing presets for models whose file records none (ONNX).
const (
	PresetTutorial = onnx.PresetTutorial
	PresetImageNet = onnx.PresetImageNet
	PresetRaw      = onnx.PresetRaw
)

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
