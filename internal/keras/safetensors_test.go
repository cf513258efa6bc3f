package keras

import (
	"path/filepath"
	"testing"

	"github.com/convscope/convscope/nn"
)

// TestSaveAsSafetensors: a Keras model saved as Convscope's .safetensors
// and loaded back gives every layer's output bit for bit (the app's
// save-as), for Sequential models and graphs alike.
func TestSaveAsSafetensors(t *testing.T) {
	for _, file := range []string{"tutorial_small.h5", "bn_seq.keras", "lenet-keras-2.2.2.h5", "branch.keras", "transfer.h5"} {
		m, meta, err := Load(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "m.safetensors")
		var back Model
		switch m := m.(type) {
		case *nn.Sequential:
			if err := nn.SaveFile(path, m, meta); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			back, _, err = nn.LoadFile(path)
		case *nn.Graph:
			if err := nn.SaveGraphFile(path, m, meta); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			back, _, err = nn.LoadGraphFile(path)
		}
		if err != nil {
			t.Fatalf("%s: reload: %v", file, err)
		}
		x := nn.NewTensor(append([]int{1}, m.InputShape()...)...)
		for i := range x.Data {
			x.Data[i] = float32(i%17) / 17
		}
		want := layerOutputs(m, x)
		got := layerOutputs(back, x)
		if len(got) != len(want) {
			t.Fatalf("%s: %d layers after reload, want %d", file, len(got), len(want))
		}
		for name, w := range want {
			g := got[name]
			if g == nil {
				t.Errorf("%s: layer %s lost", file, name)
				continue
			}
			for i := range w.Data {
				if g.Data[i] != w.Data[i] {
					t.Errorf("%s: %s[%d] = %v after reload, want %v", file, name, i, g.Data[i], w.Data[i])
					break
				}
			}
		}
	}
}
