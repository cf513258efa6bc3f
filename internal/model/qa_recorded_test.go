package model

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/convscope/convscope/internal/onnx"
	"github.com/convscope/convscope/nn"
)

// TestOpenReadsRecordedPreprocessing: Open on an ONNX file Convscope
// exported gave the tutorial's preprocessing whatever the file recorded
// (OpenWith turned "" into PresetTutorial), so explain, filters and
// exemplars ran an exported ImageNet model on 0–1 pixels. Preprocess names
// the preset the file records; a preset given still wins.
func TestOpenReadsRecordedPreprocessing(t *testing.T) {
	net, err := nn.Arch{InputShape: []int{8, 8, 3}, Layers: []nn.LayerConfig{
		{ClassName: "Conv2D", Filters: 2, KernelSize: [2]int{3, 3}},
		{ClassName: "Flatten"}, {ClassName: "Dense", Units: 2},
	}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	imagenet := nn.Metadata{Rescale: nn.DefaultRescale, Mean: nn.ImageNetMean(), Std: nn.ImageNetStd(), Interpolation: "bilinear"}
	tests := []struct {
		name, preset, want string
		meta               nn.Metadata
		mean               []float64
	}{
		{"imagenet recorded", "", PresetImageNet, imagenet, nn.ImageNetMean()},
		{"raw recorded", "", PresetRaw, nn.Metadata{Rescale: 1, Interpolation: "nearest"}, nil},
		{"own recorded", "", PresetRecorded, nn.Metadata{Rescale: 1, Mean: []float64{1, 2, 3}, Std: []float64{4, 5, 6}, Interpolation: "nearest"}, []float64{1, 2, 3}},
		{"nothing recorded", "", PresetTutorial, nn.Metadata{}, nil},
		{"preset over recorded", PresetRaw, PresetRaw, imagenet, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			om, err := onnx.ExportSequential(net, tt.meta)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "m.onnx")
			if err := os.WriteFile(path, om.Marshal(), 0o644); err != nil {
				t.Fatal(err)
			}
			m, err := OpenWith(path, tt.preset)
			if err != nil {
				t.Fatal(err)
			}
			if m.Preprocess != tt.want || !slices.Equal(m.Meta.Mean, tt.mean) {
				t.Errorf("Preprocess %q mean %v, want %q %v", m.Preprocess, m.Meta.Mean, tt.want, tt.mean)
			}
		})
	}
}
