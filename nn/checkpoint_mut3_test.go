package nn

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSaveCheckpointSlotOrder: the optimizer's slots are written in the
// order of their names, whatever the map's iteration order, so saving the
// same state twice gives the same bytes; they read back unchanged.
func TestSaveCheckpointSlotOrder(t *testing.T) {
	m := smallConvNet(t, 1, 1)
	slots := map[string][]float32{}
	var names []string
	for i := range 12 {
		name := fmt.Sprintf("velocity/w%02d", (i*7)%12)
		slots[name] = []float32{float32(i), -float32(i) / 4}
		names = append(names, checkpointPrefix+name)
	}
	slices.Sort(names)
	c := Checkpoint{Optimizer: OptimizerState{Name: "rmsprop", Iterations: 3, Slots: slots}}
	dir := t.TempDir()
	var files [][]byte
	for i := range 3 {
		path := filepath.Join(dir, fmt.Sprintf("c%d.safetensors", i))
		if err := SaveCheckpoint(path, m, Metadata{}, c, 0.01); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, data)
		h, err := readHeader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		var got []string // the optimizer tensors in the order of their data
		for _, e := range h.Tensors {
			if strings.HasPrefix(e.Name, checkpointPrefix) {
				got = append(got, e.Name)
			}
		}
		if !slices.Equal(got, names) {
			t.Errorf("save %d: slots stored in the order %v, want %v", i, got, names)
		}
		_, _, back, err := LoadCheckpoint(path)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range slots {
			if !slices.Equal(back.Optimizer.Slots[k], v) {
				t.Errorf("slot %s read back as %v, want %v", k, back.Optimizer.Slots[k], v)
			}
		}
	}
	for i := 1; i < len(files); i++ {
		if !bytes.Equal(files[i], files[0]) {
			t.Errorf("save %d differs from save 0", i)
		}
	}
}
