package transfer

import (
	"context"
	"math"
	"math/rand"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/convscope/convscope/internal/testutil"
	"github.com/convscope/convscope/nn"
)

// testBase is a small base: conv, BatchNormalization (with non-trivial
// moving statistics), conv + pool, and a Dense classifier the cut drops.
func testBase(t testing.TB) *nn.Graph {
	g := testutil.Chain(t, []int{12, 12, 3},
		nn.NewConv2D(6, 3, 3, nn.WithActivation("relu")),
		nn.NewBatchNormalization(),
		nn.NewConv2D(8, 3, 3, nn.WithActivation("relu")),
		nn.NewMaxPooling2D(2, 2),
		nn.NewFlatten(),
		nn.NewDense(3, nn.WithActivation("softmax")),
	)
	g.Init(7)
	rng := rand.New(rand.NewSource(1))
	for _, p := range g.Weights() {
		switch filepath.Base(p.Name) {
		case "moving_mean", "beta":
			for i := range p.Value {
				p.Value[i] = float32(rng.NormFloat64() * 0.1)
			}
		case "moving_variance", "gamma":
			for i := range p.Value {
				p.Value[i] = float32(0.5 + rng.Float64())
			}
		}
	}
	return g
}

// testSamples are n random images with a learnable class: the class is
// which third of the image is brightest.
func testSamples(n int, seed int64) *TensorSamples {
	rng := rand.New(rand.NewSource(seed))
	s := &TensorSamples{S: []int{12, 12, 3}, X: make([]float32, n*12*12*3), Labels: make([]int, n)}
	for i := range n {
		c := rng.Intn(3)
		s.Labels[i] = c
		x := s.X[i*432 : (i+1)*432]
		for j := range x {
			col := (j / 3) % 12
			x[j] = float32(rng.Float64() * 0.5)
			if col/4 == c {
				x[j] += 0.5
			}
		}
	}
	return s
}

func weightsOf(g *nn.Graph) map[string][]float32 {
	m := map[string][]float32{}
	for _, p := range g.Weights() {
		m[p.Name] = slices.Clone(p.Value)
	}
	return m
}

func TestNewCutsAfterTheLastSpatialLayer(t *testing.T) {
	base := testBase(t)
	m, err := New(base, Options{Classes: 3, Dense: 16, Dropout: 0.5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if m.CutAfter != "max_pooling2d_1" {
		t.Errorf("default cut = %q, expected max_pooling2d_1", m.CutAfter)
	}
	var names []string
	for _, n := range m.Full.Nodes() {
		names = append(names, n.Name)
	}
	want := []string{"conv2d_1", "batch_normalization_1", "conv2d_2", "max_pooling2d_1", "head_pool", "head_dense", "head_dropout", "head_output"}
	if !slices.Equal(names, want) {
		t.Errorf("Full's nodes = %v, expected %v", names, want)
	}
	// Only the head trains: dense (kernel, bias) and output (kernel, bias).
	if got := len(m.Full.Params()); got != 4 {
		t.Errorf("Full has %d trainable tensors, expected the head's 4", got)
	}
	// Full = Head ∘ Base, and the base's weights are the original's.
	x := nn.NewTensor(2, 12, 12, 3)
	copy(x.Data, testSamples(2, 3).X)
	want2 := m.Head.Forward(m.Base.Forward(x, false), false).Clone()
	got := m.Full.Forward(x, false)
	if !slices.Equal(got.Data, want2.Data) {
		t.Errorf("Full(x) = %v, Head(Base(x)) = %v", got.Data, want2.Data)
	}
	orig := weightsOf(base)
	for name, v := range weightsOf(m.Full) {
		if o, ok := orig[name]; ok && !slices.Equal(o, v) {
			t.Errorf("%s differs from the base's", name)
		}
	}
	if out := m.Full.OutputShape(); !slices.Equal(out, []int{3}) {
		t.Errorf("output shape %v, expected (3)", out)
	}
	two, err := New(base, Options{Classes: 2, Head: HeadFlatten, CutAfter: "conv2d_2"})
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := two.Full.Node("head_output"); info.OutputShape[0] != 1 || two.Full.OutputShape()[0] != 1 {
		t.Errorf("two classes: output %v, expected one sigmoid unit", info.OutputShape)
	}
	for _, bad := range []Options{{Classes: 1}, {Classes: 3, CutAfter: "nope"}, {Classes: 3, Head: "max"}, {Classes: 3, CutAfter: "flatten_1"}, {Classes: 3, Dropout: 1}} {
		if _, err := New(base, bad); err == nil {
			t.Errorf("New(%+v): no error", bad)
		}
	}
}

// TestFrozenBaseUnchanged trains the head, with the feature cache and
// with augmentation, and fine-tunes: frozen weights and BatchNormalization
// statistics stay bit-for-bit.
func TestFrozenBaseUnchanged(t *testing.T) {
	base := testBase(t)
	orig := weightsOf(base)
	train := testSamples(60, 2)
	for _, aug := range []*Augment{nil, {HorizontalFlip: true, RotationRange: 10, WidthShiftRange: 0.1}} {
		m, err := New(base, Options{Classes: 3, Dense: 8, Dropout: 0.2, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		head0 := weightsOf(m.Head)
		_, st, err := m.FitHead(context.Background(), train, Config{Epochs: 2, BatchSize: 10, Optimizer: "adam", LearningRate: 0.01, Augment: aug})
		if err != nil {
			t.Fatal(err)
		}
		if st.Cached != (aug == nil) {
			t.Errorf("augment %v: cached = %v", aug != nil, st.Cached)
		}
		for _, g := range []*nn.Graph{m.Base, m.Full} {
			for name, v := range weightsOf(g) {
				if o, ok := orig[name]; ok && !slices.Equal(o, v) {
					t.Errorf("augment %v: frozen %s changed", aug != nil, name)
				}
			}
		}
		changed := 0
		for name, v := range weightsOf(m.Head) {
			if !slices.Equal(head0[name], v) {
				changed++
			}
		}
		if changed != 4 {
			t.Errorf("augment %v: %d of the head's 4 tensors changed", aug != nil, changed)
		}
		full := weightsOf(m.Full)
		for name, v := range weightsOf(m.Head) {
			if !slices.Equal(full[name], v) {
				t.Errorf("Full's %s is not the trained head's", name)
			}
		}
	}
	// Fine-tuning the top 2 base layers (max_pooling2d_1, conv2d_2):
	// conv2d_2 changes, conv2d_1 and the BN statistics do not.
	m, err := New(base, Options{Classes: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.FitHead(context.Background(), train, Config{Epochs: 1, BatchSize: 10, Optimizer: "adam", LearningRate: 0.01}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.FineTune(context.Background(), train, 2, Config{Epochs: 1, BatchSize: 10, Optimizer: "adam", LearningRate: 1e-3, InitialEpoch: 0, Validation: testSamples(20, 9)}); err != nil {
		t.Fatal(err)
	}
	after := weightsOf(m.Full)
	for name, o := range orig {
		v, ok := after[name]
		if !ok {
			continue
		}
		tuned := name == "conv2d_2/kernel" || name == "conv2d_2/bias"
		if same := slices.Equal(o, v); same == tuned {
			t.Errorf("fine-tune: %s changed = %v, expected %v", name, !same, tuned)
		}
	}
	if !slices.Equal(weightsOf(m.Base)["conv2d_2/kernel"], after["conv2d_2/kernel"]) {
		t.Error("fine-tune: Base did not receive the tuned weights")
	}
	if _, err := m.FineTune(context.Background(), train, 99, Config{}); err == nil {
		t.Error("fine-tune of 99 layers of a 4-layer base: no error")
	}
}

// TestCachedEqualsUncached: the same seed gives the same head whether the
// features are cached, cached and spilled to disk, or recomputed per batch.
func TestCachedEqualsUncached(t *testing.T) {
	base := testBase(t)
	train, val := testSamples(50, 2), testSamples(15, 5)
	run := func(cfg Config) (map[string][]float32, Stats, *nn.History) {
		m, err := New(base, Options{Classes: 3, Dense: 8, Dropout: 0.3, Seed: 4})
		if err != nil {
			t.Fatal(err)
		}
		cfg.Epochs, cfg.BatchSize, cfg.Seed, cfg.Validation = 3, 8, 11, val
		cfg.Optimizer, cfg.LearningRate = "rmsprop", 1e-3
		h, st, err := m.FitHead(context.Background(), train, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return weightsOf(m.Head), st, h
	}
	cached, st, h := run(Config{})
	if !st.Cached || st.Spilled != 0 {
		t.Fatalf("stats %+v: expected cached in memory", st)
	}
	uncached, _, hu := run(Config{NoCache: true})
	// 4·128·10 bytes hold 10 feature vectors (4×4×8) in memory.
	dir := t.TempDir()
	spilled, sst, _ := run(Config{CacheBytes: 4 * 128 * 10, CacheDir: dir})
	if sst.Spilled != 40+5 {
		t.Errorf("spilled %d vectors, expected 45 (40 training, 5 validation)", sst.Spilled)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("spill files left behind: %v", left)
	}
	for name, v := range cached {
		if !slices.Equal(v, spilled[name]) {
			t.Errorf("%s: spilled cache differs from the in-memory one", name)
		}
		for i := range v {
			if d := math.Abs(float64(v[i] - uncached[name][i])); d > 1e-5 {
				t.Fatalf("%s[%d]: cached %v, uncached %v", name, i, v[i], uncached[name][i])
			}
		}
	}
	if a, b := h.Values("val_accuracy"), hu.Values("val_accuracy"); len(a) != 3 || a[2] != b[2] {
		t.Errorf("val_accuracy cached %v, uncached %v", a, b)
	}
	if l := h.Values("loss"); l[2] >= l[0] {
		t.Errorf("training loss %v: not decreasing", l)
	}
}

func TestSaveAndLoad(t *testing.T) {
	m, err := New(testBase(t), Options{Classes: 3, Dense: 4, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	hist, _, err := m.FitHead(context.Background(), testSamples(20, 1), Config{Epochs: 1, BatchSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	meta, err := Metadata(nn.Metadata{Rescale: 1.0 / 255, Mean: []float64{0.5, 0.5, 0.5}, Std: []float64{0.2, 0.2, 0.2}}, []string{"a", "b", "c"}, hist, m.Origin("builtin:test"), TrainingData{Name: "folder x", Images: 20})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "t.safetensors")
	if err := m.Save(path, meta); err != nil {
		t.Fatal(err)
	}
	g, got, err := nn.LoadGraphFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.ClassNames, []string{"a", "b", "c"}) || !slices.Equal(got.Mean, meta.Mean) {
		t.Errorf("loaded metadata %+v", got)
	}
	if c := got.Card; c == nil || c.TrainImages != 20 || c.Epochs != 1 || !strings.Contains(c.Data, "folder x; features from the base builtin:test cut after max_pooling2d_1") || !strings.Contains(c.Knows, "3 classes (a, b, c)") {
		t.Errorf("model card %+v", got.Card)
	}
	o, ok := ReadOrigin(got)
	if !ok || o.Base != "builtin:test" || o.CutAfter != "max_pooling2d_1" || o.Dense != 4 {
		t.Errorf("origin %+v, %v", o, ok)
	}
	x := nn.NewTensor(3, 12, 12, 3)
	copy(x.Data, testSamples(3, 8).X)
	if a, b := g.Predict(x).Data, m.Full.Predict(x).Data; !slices.Equal(a, b) {
		t.Errorf("loaded model predicts %v, expected %v", a, b)
	}
}

func TestSequentialView(t *testing.T) {
	m, err := New(testBase(t), Options{Classes: 3, Dense: 4, Dropout: 0.1, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	net, err := m.Sequential()
	if err != nil {
		t.Fatal(err)
	}
	x := nn.NewTensor(2, 12, 12, 3)
	copy(x.Data, testSamples(2, 4).X)
	if a, b := net.Predict(x).Data, m.Full.Predict(x).Data; !slices.Equal(a, b) {
		t.Errorf("Sequential predicts %v, the graph %v", a, b)
	}
	if got := len(net.Layers()); got != 8 {
		t.Errorf("%d layers, expected 8", got)
	}
}

// TestSaveGraphBase: a base with branches saves as a graph file.
func TestSaveGraphBase(t *testing.T) {
	g := nn.NewGraph([]int{8, 8, 3})
	a, _ := g.Add(nn.NewConv2D(4, 3, 3, nn.WithPadding("same")), nn.GraphInput)
	b, _ := g.Add(nn.NewConv2D(4, 3, 3, nn.WithPadding("same")), a)
	g.Add(nn.NewAdd(), a, b)
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	m, err := New(g, Options{Classes: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Sequential(); err == nil {
		t.Error("a graph with a residual Add was taken for a chain")
	}
	path := filepath.Join(t.TempDir(), "g.safetensors")
	if err := m.Save(path, nn.Metadata{ClassNames: []string{"a", "b"}}); err != nil {
		t.Fatal(err)
	}
	back, _, err := nn.LoadGraphFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Nodes()) != 5 {
		t.Errorf("%d nodes loaded, expected 5", len(back.Nodes()))
	}
	if _, _, err := nn.LoadFile(path); err == nil {
		t.Error("a graph file loaded as a Sequential model")
	}
}
