package onnx

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

// TestImportedGraphsSave: every parity model, once imported, saves as a
// Convscope .safetensors graph and loads back with the same outputs and
// metadata (what the app does to remember an opened model).
func TestImportedGraphsSave(t *testing.T) {
	files, _ := filepath.Glob("testdata/parity/*.onnx")
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".onnx")
		t.Run(name, func(t *testing.T) {
			g, meta, err := Load(path, Options{Preprocess: PresetImageNet})
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), name+".safetensors")
			if err := nn.SaveGraphFile(out, g, meta); err != nil {
				t.Fatal(err)
			}
			back, meta2, err := nn.LoadGraphFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(meta2.ClassNames, meta.ClassNames) || !slices.Equal(meta2.Mean, meta.Mean) || meta2.Logits != meta.Logits {
				t.Errorf("metadata: got %+v, want %+v", meta2, meta)
			}
			x := randomInput(g.InputShape(), 7)
			want := g.Predict(x).Clone()
			got := back.Predict(x)
			if !slices.Equal(got.Data, want.Data) {
				t.Errorf("outputs differ after save and load")
			}
		})
	}
}
