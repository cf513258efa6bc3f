package keras

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/convscope/convscope/internal/npy"
	"github.com/convscope/convscope/nn"
)

// refLayer is one entry of a <model>.ref.json file.
type refLayer struct {
	name  string
	shape []int
	data  []float32
}

// readReference reads make_fixtures.py's input and per-layer outputs.
func readReference(t *testing.T, prefix string) []refLayer {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", prefix+".ref.json"))
	if err != nil {
		t.Fatal(err)
	}
	var index [][]json.RawMessage
	if err := json.Unmarshal(raw, &index); err != nil {
		t.Fatal(err)
	}
	_, flat, err := npy.ReadFile(filepath.Join("testdata", prefix+".ref.npy"))
	if err != nil {
		t.Fatal(err)
	}
	var out []refLayer
	off := 0
	for _, e := range index {
		var l refLayer
		if json.Unmarshal(e[0], &l.name) != nil || json.Unmarshal(e[1], &l.shape) != nil {
			t.Fatalf("%s.ref.json: bad entry", prefix)
		}
		n := 1
		for _, d := range l.shape {
			n *= d
		}
		if off+n > len(flat) {
			t.Fatalf("%s.ref.npy is too short", prefix)
		}
		l.data = flat[off : off+n]
		off += n
		out = append(out, l)
	}
	return out
}

// layerOutputs runs m on x and returns every layer's output by name.
func layerOutputs(m Model, x *nn.Tensor) map[string]*nn.Tensor {
	out := map[string]*nn.Tensor{}
	switch m := m.(type) {
	case *nn.Sequential:
		m.Forward(x, false)
		for i, l := range m.Layers() {
			out[l.Name()] = m.Outputs()[i]
		}
	case *nn.Graph:
		m.Forward(x, false)
		for _, n := range m.Nodes() {
			out[n.Name] = m.Output(n.Name)
		}
	}
	return out
}

// TestParity loads each fixture and compares every layer's output with
// PyTorch's (make_fixtures.py, float64 from the same float32 weights).
func TestParity(t *testing.T) {
	weightsOnly := func(weights, config string) func(string) (Model, nn.Metadata, error) {
		return func(string) (Model, nn.Metadata, error) {
			cfg, err := os.ReadFile(filepath.Join("testdata", config))
			if err != nil {
				return nil, nn.Metadata{}, err
			}
			return LoadWeights(filepath.Join("testdata", weights), cfg)
		}
	}
	cases := []struct {
		file, ref string
		folded    []string // layers folded into the input / preprocessing
		graph     bool
		load      func(string) (Model, nn.Metadata, error) // default Load
	}{
		// Keras 3 names the layers conv2d, conv2d_1, …: compared by position.
		{"tutorial_small.keras", "tutorial_small", nil, false, nil},
		{"weights-only Keras 2", "tutorial_small", nil, false, weightsOnly("tutorial_small.weights_k2.h5", "tutorial_small.json")},
		{"weights-only Keras 3", "tutorial_small", nil, false, weightsOnly("tutorial_small.weights.h5", "tutorial_small.config.json")},
		{"tutorial_small.h5", "tutorial_small", nil, false, nil},
		{"branch.h5", "branch", []string{"rescaling"}, true, nil},
		{"branch_be_gzip.h5", "branch", []string{"rescaling"}, true, nil},
		{"branch.keras", "branch", []string{"rescaling"}, true, nil},
		// Sequential([conv_base, …]) with conv_base a functional model.
		{"transfer.h5", "transfer", nil, true, nil},
		{"transfer.keras", "transfer", nil, true, nil},
		{"bn_seq.h5", "bn_seq", []string{"reshape"}, false, nil},
		{"bn_seq.keras", "bn_seq", []string{"reshape"}, false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			load := tc.load
			if load == nil {
				load = Load
			}
			m, meta, err := load(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if _, isGraph := m.(*nn.Graph); isGraph != tc.graph {
				t.Errorf("model is %T", m)
			}
			ref := readReference(t, tc.ref)
			x := nn.NewTensor(append([]int{1}, m.InputShape()...)...)
			if len(x.Data) != len(ref[0].data) {
				t.Fatalf("input %v, reference input %v", m.InputShape(), ref[0].shape)
			}
			scale := float32(1)
			if len(tc.folded) > 0 && tc.folded[0] == "rescaling" {
				scale = float32(meta.Rescale)
			}
			for i, v := range ref[0].data {
				x.Data[i] = v * scale
			}
			outs := layerOutputs(m, x)
			if seq, ok := m.(*nn.Sequential); ok && len(seq.Layers()) == len(ref)-1 {
				byPos := map[string]*nn.Tensor{} // compare by position
				for i, l := range seq.Layers() {
					byPos[ref[i+1].name] = outs[l.Name()]
				}
				outs = byPos
			}
			compared := 0
			for _, r := range ref[1:] {
				y, ok := outs[r.name]
				if !ok {
					if !contains(tc.folded, r.name) {
						t.Errorf("layer %s missing from the model", r.name)
					}
					continue
				}
				compared++
				if len(y.Data) != len(r.data) {
					t.Errorf("%s: %d values, reference %d", r.name, len(y.Data), len(r.data))
					continue
				}
				worst, at := 0.0, 0
				for i, v := range y.Data {
					d := math.Abs(float64(v)-float64(r.data[i])) / math.Max(1, math.Abs(float64(r.data[i])))
					if d > worst {
						worst, at = d, i
					}
				}
				if worst > 1e-6 {
					t.Errorf("%s: relative error %.3g at %d (%v vs %v)", r.name, worst, at, y.Data[at], r.data[at])
				}
			}
			if compared < len(ref)-1-len(tc.folded) {
				t.Errorf("compared %d layers of %d", compared, len(ref)-1)
			}
		})
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
