package nn

import (
	"slices"
	"strings"
	"testing"
)

// TestHardSigmoidDefaults: Keras' (0.2, 0.5) replace alpha and beta only
// when both are zero; one set keeps the other at zero.
func TestHardSigmoidDefaults(t *testing.T) {
	for _, tt := range []struct{ alpha, beta, wantA, wantB float64 }{
		{0, 0, 0.2, 0.5},
		{0.1, 0, 0.1, 0},
		{0, 0.3, 0, 0.3},
		{0.25, 0.75, 0.25, 0.75},
	} {
		c := LayerConfig{ClassName: "HardSigmoid", Alpha: tt.alpha, Beta: tt.beta}.withDefaults()
		if c.Alpha != tt.wantA || c.Beta != tt.wantB {
			t.Errorf("HardSigmoid(%v, %v) defaults to (%v, %v), want (%v, %v)", tt.alpha, tt.beta, c.Alpha, c.Beta, tt.wantA, tt.wantB)
		}
	}
}

// TestZeroExtensions: groups 1 and dilation (1, 1) read as unset; other
// values stay.
func TestZeroExtensions(t *testing.T) {
	for _, tt := range []struct {
		groups, wantGroups int
		dil, wantDil       [2]int
	}{
		{1, 0, [2]int{1, 1}, [2]int{}},
		{2, 2, [2]int{2, 1}, [2]int{2, 1}},
		{0, 0, [2]int{1, 2}, [2]int{1, 2}},
		{3, 3, [2]int{2, 2}, [2]int{2, 2}},
	} {
		c := LayerConfig{ClassName: "Conv2D", Groups: tt.groups, DilationRate: tt.dil}.zeroExtensions()
		if c.Groups != tt.wantGroups || c.DilationRate != tt.wantDil {
			t.Errorf("groups %d, dilation %v → %d, %v; want %d, %v", tt.groups, tt.dil, c.Groups, c.DilationRate, tt.wantGroups, tt.wantDil)
		}
	}
}

// TestTargetShapeTrim: Reshape's target drops trailing zeros only; an
// all-zero target is an error from the layer, not a panic.
func TestTargetShapeTrim(t *testing.T) {
	for _, tt := range []struct {
		in   [4]int
		want []int
	}{
		{[4]int{2, 3, 4, 5}, []int{2, 3, 4, 5}},
		{[4]int{6, -1, 0, 0}, []int{6, -1}},
		{[4]int{7, 0, 0, 0}, []int{7}},
		{[4]int{2, 0, 3, 0}, []int{2, 0, 3}},
		{[4]int{}, []int{}},
	} {
		if got := (LayerConfig{ClassName: "Reshape", TargetShape: tt.in}).targetShape(); !slices.Equal(got, tt.want) {
			t.Errorf("targetShape(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if _, err := (LayerConfig{ClassName: "Reshape"}).GraphLayer(); err == nil {
		t.Error("a Reshape without a target shape was accepted")
	}
}

// TestArchBuildLayerNumber: Build names the failing layer by its 1-based
// position.
func TestArchBuildLayerNumber(t *testing.T) {
	for _, tt := range []struct {
		layers []LayerConfig
		want   string
	}{
		{[]LayerConfig{{ClassName: "Conv3D"}}, "nn: layer 1: unknown class_name \"Conv3D\""},
		{[]LayerConfig{{ClassName: "Flatten"}, {ClassName: "Dense", Units: 2, Strides: [2]int{2, 2}}}, "nn: layer 2: Dense: unexpected strides"},
		{[]LayerConfig{{ClassName: "Flatten"}, {ClassName: "Dense", Units: 2}, {ClassName: "Add"}}, "nn: layer 3: Add takes several inputs: it needs a Graph, not a Sequential model"},
	} {
		_, err := Arch{InputShape: []int{4, 4, 1}, Layers: tt.layers}.Build()
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("Build: %v, want an error starting %q", err, tt.want)
		}
	}
}

// TestParseArchLayerNumber: ParseArch names the failing layer by its
// 1-based position, and a document that is JSON but not an object is
// told apart from a syntax error.
func TestParseArchLayerNumber(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{`{"input_shape": [4], "layers": [{"class_name": "Dense", "config": {"units": 2}}, {"class_name": "Dense", "config": {"units": 0}}]}`, "arch: layer 2: Dense: expected units > 0, received 0"},
		{`{"input_shape": [4], "layers": [{"class_name": "Flatten"}, {"class_name": "Flatten"}, {"class_name": "Nope"}]}`, `arch: layer 3: unknown class_name "Nope"`},
		{`"text"`, `arch: expected a JSON object with "input_shape" and "layers", received "text"`},
		{`{"input_shape": [4], "layers": [}`, "arch: invalid JSON at line 1, column 33"},
		{`{"input_shape": [-1], "layers": []}`, `arch: "input_shape": expected a list of positive integers`},
		{`{"input_shape": [1], "layers": {}}`, `arch: "layers": expected a non-empty list of layers, received {}`},
	} {
		_, err := ParseArch([]byte(tt.src))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("ParseArch(%s): %v, want an error starting %q", tt.src, err, tt.want)
		}
	}
}
