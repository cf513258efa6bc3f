package nn

import (
	"bytes"
	"strings"
	"testing"
)

// noInitNet is a model with every kind of weight a file fills (kernels,
// biases, BatchNormalization's gamma, beta and moving statistics) and a
// Dropout layer, whose random stream Build seeds.
func noInitNet(t *testing.T) *Sequential {
	t.Helper()
	m, err := NewSequential([]int{6, 6, 2},
		NewConv2D(3, 3, 3),
		NewBatchNormalization(),
		NewFlatten(),
		NewDropout(0.5),
		NewDense(2, WithActivation("softmax")))
	if err != nil {
		t.Fatal(err)
	}
	m.Init(11)
	// Moving statistics and gamma/beta away from their initial 0 and 1.
	for i, p := range m.Weights() {
		if p.Name == "batch_normalization_1/gamma" || p.Name == "batch_normalization_1/moving_variance" ||
			p.Name == "batch_normalization_1/moving_mean" || p.Name == "batch_normalization_1/beta" {
			for j := range p.Value {
				p.Value[j] = 0.25 + float32(i+j)/8
			}
		}
	}
	return m
}

func allWeights(ws []*Param) []float32 {
	var w []float32
	for _, p := range ws {
		w = append(w, p.Value...)
	}
	return w
}

func randStates(t *testing.T, layers []Layer) [][]byte {
	t.Helper()
	var out [][]byte
	for _, l := range layers {
		if rs, ok := l.(RandStater); ok {
			b, err := rs.RandState()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
	}
	return out
}

// Load draws no initial weights (it builds with build(false)) yet returns
// exactly the file's weights, every one of them, and Dropout streams seeded
// as Build seeds them: loading consumes none of their random numbers.
func TestLoadSkipsInitialWeights(t *testing.T) {
	m := noInitNet(t)
	file := savedBytes(t, m, Metadata{})
	want := allWeights(m.Weights())
	fresh, err := m.Arch().Build()
	if err != nil {
		t.Fatal(err)
	}
	wantRand := randStates(t, fresh.Layers())
	if len(wantRand) != 1 {
		t.Fatalf("%d random streams, want 1 (the Dropout's)", len(wantRand))
	}
	tests := []struct {
		name string
		load func() (*Sequential, error)
	}{
		{"Load", func() (*Sequential, error) { got, _, err := Load(bytes.NewReader(file)); return got, err }},
		{"Load from a stream", func() (*Sequential, error) {
			got, _, err := Load(struct{ *bytes.Reader }{bytes.NewReader(file)})
			return got, err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.load()
			if err != nil {
				t.Fatal(err)
			}
			if !bitEqual(allWeights(got.Weights()), want) {
				t.Error("loaded weights differ from the file's")
			}
			gotRand := randStates(t, got.Layers())
			if len(gotRand) != 1 || !bytes.Equal(gotRand[0], wantRand[0]) {
				t.Errorf("Dropout's random stream after Load differs from a built model's: %x, want %x", gotRand, wantRand)
			}
			// The loaded model computes what the saved one does.
			x := NewTensor(1, 6, 6, 2)
			for i := range x.Data {
				x.Data[i] = float32(i%7) - 3
			}
			if a, b := m.Forward(x, false).Data, got.Forward(x, false).Data; !bitEqual(a, b) {
				t.Errorf("forward %v, want %v", b, a)
			}
		})
	}
}

// build(false) draws no kernel (they stay zero; BatchNormalization's ones
// come from its Build, not from drawing) and seeds Dropout as Build does;
// Build draws Keras' initial weights (TestLoadSkipsInitialWeights relies on
// Load using the former).
func TestArchBuildWithoutDrawing(t *testing.T) {
	a := noInitNet(t).Arch()
	bare, err := a.build(false)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range bare.Weights() {
		if !strings.HasSuffix(p.Name, "/kernel") && !strings.HasSuffix(p.Name, "/bias") {
			continue
		}
		for _, v := range p.Value {
			if v != 0 {
				t.Fatalf("%s holds %v: build(false) drew weights", p.Name, v)
			}
		}
	}
	built, err := a.Build()
	if err != nil {
		t.Fatal(err)
	}
	nonzero := 0
	for _, v := range built.Params()[0].Value {
		if v != 0 {
			nonzero++
		}
	}
	if nonzero == 0 {
		t.Error("Build drew no kernel")
	}
	if !bytes.Equal(bytes.Join(randStates(t, bare.Layers()), nil), bytes.Join(randStates(t, built.Layers()), nil)) {
		t.Error("build(false) seeded Dropout differently from Build")
	}
	// Init still draws, as on a built model.
	bare.Init(0)
	if !bitEqual(allWeights(bare.Weights()), allWeights(built.Weights())) {
		t.Error("Init(0) after build(false) differs from Build")
	}
}

// LoadGraph draws no initial weights either, and a later Build of the
// loaded graph's architecture still does.
func TestLoadGraphSkipsInitialWeights(t *testing.T) {
	g, err := noInitNet(t).Graph().Arch().Build()
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range g.Weights() {
		for j := range p.Value {
			p.Value[j] = float32(i+1) + float32(j)/16
		}
	}
	var b bytes.Buffer
	if err := WriteGraph(&b, g, Metadata{}); err != nil {
		t.Fatal(err)
	}
	got, _, err := LoadGraph(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !bitEqual(allWeights(got.Weights()), allWeights(g.Weights())) {
		t.Error("loaded graph's weights differ from the file's")
	}
	if got.filled {
		t.Error("the loaded graph is still marked filled: a later Build would draw no weights")
	}
}

// BenchmarkLoadReference loads the tutorial's network (3.45 M weights, the
// app's default model) from memory, as the app does at start; BuildReference
// is the Glorot drawing Load no longer does first.
func BenchmarkLoadReference(b *testing.B) {
	m, err := ReferenceModel()
	if err != nil {
		b.Fatal(err)
	}
	file := savedBytes(b, m, Metadata{})
	b.Run("Load", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := Load(bytes.NewReader(file)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Build", func(b *testing.B) {
		for b.Loop() {
			if _, err := ReferenceModel(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
