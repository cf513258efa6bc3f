package transfer

import (
	"context"
	"math/rand"
	"slices"
	"testing"

	"github.com/convscope/convscope/internal/onnx"
)

// TestResNetBaseWithBatchNorm uses an imported ONNX graph with residual
// connections and BatchNormalization nodes (internal/onnx's parity
// fixture) as the base: the cut keeps the branches the cut node reads,
// training the head and fine-tuning leave the frozen weights and every
// moving statistic bit-for-bit.
func TestResNetBaseWithBatchNorm(t *testing.T) {
	base, meta, err := OpenBase("../onnx/testdata/parity/resnet_bn.onnx", onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, n := range base.Nodes() {
		kinds[n.Kind]++
	}
	if kinds["Add"] == 0 || kinds["BatchNormalization"] == 0 {
		t.Fatalf("fixture has no residual Add or BatchNormalization: %v", kinds)
	}
	m, err := New(base, Options{Classes: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	orig := weightsOf(base)
	in := base.InputShape()
	size := shapeSize(in)
	rng := rand.New(rand.NewSource(1))
	s := &TensorSamples{S: in, X: make([]float32, 8*size), Labels: []int{0, 1, 0, 1, 0, 1, 0, 1}}
	for i := range s.X {
		s.X[i] = rng.Float32()
	}
	if _, _, err := m.FitHead(context.Background(), s, Config{Epochs: 2, BatchSize: 4}); err != nil {
		t.Fatal(err)
	}
	// Fine-tune the top 5 base nodes: BatchNormalization stays frozen.
	if _, err := m.FineTune(context.Background(), s, 5, Config{Epochs: 1, BatchSize: 4}); err != nil {
		t.Fatal(err)
	}
	tuned := map[string]bool{}
	for _, name := range m.BaseNodes[len(m.BaseNodes)-5:] {
		if info, _ := m.Full.Node(name); info.Kind != "BatchNormalization" {
			tuned[name] = true
		}
	}
	tunedWeights, changed := 0, 0
	for name, v := range weightsOf(m.Full) {
		o, ok := orig[name]
		if !ok {
			continue
		}
		node := name[:lastSlash(name)]
		switch {
		case tuned[node]:
			tunedWeights++
			if !slices.Equal(o, v) {
				changed++
			}
		case !slices.Equal(o, v):
			t.Errorf("frozen %s changed", name)
		}
	}
	if tunedWeights > 0 && changed == 0 {
		t.Errorf("none of the %d fine-tuned tensors changed", tunedWeights)
	}
	t.Logf("fine-tuned %v (%d tensors, %d changed); base %v → cut after %s %v, %d of %d nodes kept; preprocessing mean %v", tuned, tunedWeights, changed, in, m.CutAfter, m.Base.OutputShape(), len(m.BaseNodes), len(base.Nodes()), meta.Mean)
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return len(s)
}
