package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convscope/convscope/internal/npy"
	"github.com/convscope/convscope/nn"
)

// graphModelFile saves a small functional model (a residual connection
// whose node names need making file-safe) and returns its path.
func graphModelFile(t *testing.T) string {
	t.Helper()
	g := nn.NewGraph([]int{12, 12, 3})
	g.Add(nn.NewConv2D(4, 3, 3, nn.WithPadding("same"), nn.WithName("block/conv")), nn.GraphInput)
	g.Add(nn.NewReLU(0, 0, 0, nn.WithName("block/relu")), "block/conv")
	g.Add(nn.NewAdd(nn.WithName("block/add")), "block/conv", "block/relu")
	g.Add(nn.NewGlobalAveragePooling2D(nn.WithName("gap")), "block/add")
	g.Add(nn.NewDense(3, nn.WithName("logits")), "gap")
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "graph.safetensors")
	if err := nn.SaveGraphFile(p, g, nn.Metadata{}); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestGraphModelCommands: summary, predict and activations open a graph
// model file through internal/model like any other.
func TestGraphModelCommands(t *testing.T) {
	model := graphModelFile(t)
	code, out, errOut := run(t, "summary", "--model", model)
	if code != 0 || !strings.Contains(out, "Connected to") || !strings.Contains(out, "block/conv") {
		t.Fatalf("summary: exit %d, %s\n%s", code, errOut, out)
	}
	img := writeImage(t, t.TempDir(), "x.png", 20, 20, 1)
	code, out, errOut = run(t, "predict", "--model", model, img)
	if code != 0 || !strings.Contains(out, "class ") {
		t.Fatalf("predict: exit %d, %s\n%s", code, errOut, out)
	}
	dir := t.TempDir()
	code, _, errOut = run(t, "activations", "--model", model, "--image", img, "--out", dir, "--layers", "all", "--format", "npy")
	if code != 0 {
		t.Fatalf("activations: exit %d, %s", code, errOut)
	}
	want := map[string][]int{"block_conv.npy": {1, 12, 12, 4}, "block_relu.npy": {1, 12, 12, 4}, "block_add.npy": {1, 12, 12, 4}, "gap.npy": {1, 4}, "logits.npy": {1, 3}}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(want) {
		t.Errorf("wrote %d files, want %d", len(entries), len(want))
	}
	for name, shape := range want {
		got, _, err := npy.ReadFile(filepath.Join(dir, name))
		if err != nil || len(got) != len(shape) {
			t.Errorf("%s: shape %v, %v; want %v", name, got, err, shape)
			continue
		}
		for i := range shape {
			if got[i] != shape[i] {
				t.Errorf("%s: shape %v, want %v", name, got, shape)
				break
			}
		}
	}
}
