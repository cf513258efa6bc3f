package nn

import (
	"strings"
	"testing"
)

// kindLayer is a testDense that reports another Keras class name, to check
// the automatic names Sequential gives.
type kindLayer struct {
	testDense
	kind string
}

func (l *kindLayer) Kind() string { return l.kind }

// TestSnakeCase pins Keras' automatic-name prefixes. Keras
// (keras/src/utils/naming.py, to_snake_case) applies two substitutions,
// "(.)([A-Z][a-z]+)" → "\1_\2" then "([a-z])([A-Z])" → "\1_\2", and
// lower-cases; the expectations below are what those two give.
func TestSnakeCase(t *testing.T) {
	tests := []struct{ kind, want string }{
		{"Conv2D", "conv2d"},
		{"MaxPooling2D", "max_pooling2d"},
		{"GlobalAveragePooling2D", "global_average_pooling2d"},
		{"BatchNormalization", "batch_normalization"},
		{"ZeroPadding2D", "zero_padding2d"},
		{"DepthwiseConv2D", "depthwise_conv2d"},
		{"ReLU", "re_lu"},
		{"PReLU", "p_re_lu"},
		{"SiLU", "si_lu"},
		{"Dense", "dense"},
		{"Conv2DTranspose", "conv2d_transpose"}, // an upper-case run ends before a word
		{"ABCDef", "abc_def"},
		{"Res2Block", "res2_block"}, // a digit before a word: "(.)" matches it
		{"UpSampling2D", "up_sampling2d"},
	}
	for _, tt := range tests {
		if got := snakeCase(tt.kind); got != tt.want {
			t.Errorf("snakeCase(%q) = %q, want %q", tt.kind, got, tt.want)
		}
	}
	// The names a Sequential model gives: one counter per prefix.
	m, err := NewSequential([]int{2}, &kindLayer{*newTestDense(2, ""), "Conv2DTranspose"}, newTestDense(2, ""),
		&kindLayer{*newTestDense(2, ""), "Conv2DTranspose"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range m.Layers() {
		names = append(names, l.Name())
	}
	if got := strings.Join(names, " "); got != "conv2d_transpose_1 test_dense_1 conv2d_transpose_2" {
		t.Errorf("names %s", got)
	}
}

func TestNewSequentialErrors(t *testing.T) {
	named := func(name string) Layer { l := newTestDense(2, ""); l.SetName(name); return l }
	tests := []struct {
		name   string
		input  []int
		layers []Layer
		want   string
	}{
		{"empty input", nil, []Layer{newTestDense(2, "")}, "nn: input shape must not be empty"},
		{"no layers", []int{2}, nil, "nn: a Sequential model needs at least one layer"},
		{"zero dimension", []int{0}, []Layer{newTestDense(2, "")}, "nn: input shape (0,) has a non-positive dimension"},
		{"negative dimension", []int{3, -1}, []Layer{NewFlatten()}, "nn: input shape (3, -1) has a non-positive dimension"},
		{"second layer", []int{4}, []Layer{newTestDense(3, ""), NewConv2D(1, 3, 3)}, "nn: layer 2 (conv2d_1, Conv2D): "},
		{"first layer", []int{4, 4, 1}, []Layer{newTestDense(3, "")}, "nn: layer 1 (test_dense_1, TestDense): expected a 1-D input, received (4, 4, 1)"},
		{"duplicate names", []int{2}, []Layer{named("a"), named("a")}, "nn: layer names must be unique"},
	}
	for _, tt := range tests {
		m, err := NewSequential(tt.input, tt.layers...)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) || m != nil {
			t.Errorf("%s: %v, %v; want an error starting %q", tt.name, m, err, tt.want)
		}
	}
	// A name taken by a named layer is skipped by the automatic names.
	m, err := NewSequential([]int{2}, newTestDense(2, ""), named("test_dense_2"), newTestDense(2, ""))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Layers()[2].Name(); got != "test_dense_3" {
		t.Errorf("third layer named %s, want test_dense_3", got)
	}
}

// Init seeds layer i's Dropout with seed+i+1 (so two Dropout layers draw
// different masks and a model's masks do not depend on its other layers'
// randomness): the masks are those of a lone Dropout seeded so.
func TestSequentialInitSeedsDropout(t *testing.T) {
	for _, seed := range []int64{0, 5} {
		m, err := NewSequential([]int{64}, newTestDense(64, ""), NewDropout(0.5), NewDropout(0.5))
		if err != nil {
			t.Fatal(err)
		}
		m.Init(seed)
		x := NewTensor(1, 64)
		for i := range x.Data {
			x.Data[i] = 1
		}
		m.Forward(x, true)
		for i, want := range []int64{seed + 2, seed + 3} {
			in, got := m.Outputs()[i], m.Outputs()[i+1]
			lone := NewDropout(0.5)
			if _, err := lone.Build([]int{64}); err != nil {
				t.Fatal(err)
			}
			lone.Seed(want)
			ref := NewTensor(1, 64)
			lone.Forward(ref, in, true)
			if !bitEqual(got.Data, ref.Data) {
				t.Errorf("Init(%d): layer %d's mask is not a Dropout's seeded with %d", seed, i+1, want)
			}
		}
	}
}

// CopyWeightsFrom copies the values and makes the model use them (a model
// that packs its Conv2D kernels must not keep the old packs); a source of
// another architecture is refused.
func TestSequentialCopyWeightsFrom(t *testing.T) {
	build := func(seed int64) *Sequential {
		m, err := NewSequential([]int{9, 9, 16}, NewConv2D(160, 3, 3), NewFlatten())
		if err != nil {
			t.Fatal(err)
		}
		m.Init(seed)
		m.SetEngine(Engine{PackWeights: true, Workers: 1})
		return m
	}
	dst, src := build(1), build(2)
	x := NewTensor(1, 9, 9, 16)
	for i := range x.Data {
		x.Data[i] = float32(i%7) / 7
	}
	dst.Predict(x) // packs dst's kernels
	want := src.Predict(x).Clone()
	if err := dst.CopyWeightsFrom(src); err != nil {
		t.Fatal(err)
	}
	if !bitEqual(dst.Predict(x).Data, want.Data) {
		t.Error("after CopyWeightsFrom the model does not compute with the copied weights")
	}
	other, err := NewSequential([]int{9, 9, 16}, NewConv2D(8, 3, 3), NewFlatten())
	if err != nil {
		t.Fatal(err)
	}
	fewer, err := NewSequential([]int{9, 9, 16}, NewFlatten())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		src  *Sequential
		want string
	}{
		{other, "nn: copy weights: conv2d_1/kernel: expected shape (3, 3, 16, 160), received (3, 3, 16, 8)"},
		{fewer, "nn: copy weights: expected 2 tensors, received 0"},
	} {
		if err := dst.CopyWeightsFrom(tt.src); err == nil || err.Error() != tt.want {
			t.Errorf("error %v, want %q", err, tt.want)
		}
	}
}
