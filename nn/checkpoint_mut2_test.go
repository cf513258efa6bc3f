package nn

import (
	"bytes"
	"encoding/base64"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSaveCheckpointMetadataKeys checks which __metadata__ entries a
// checkpoint holds: "rng_state" only for a model with a random stream
// (keyed by its layer's name), "train_config" only when a config is given,
// and the optimizer entry with the name, iterations and learning rate.
func TestSaveCheckpointMetadataKeys(t *testing.T) {
	drop := dropoutBlobModel(t, 1)
	for _, tt := range []struct {
		name   string
		m      *Sequential
		config string
		want   []string // the checkpoint's keys besides the model file's
		rng    string   // the rng_state's layer name, if any
	}{
		{"no random stream, no config", smallConvNet(t, 1, 1), "", []string{"optimizer", "train_progress"}, ""},
		{"no random stream, a config", smallConvNet(t, 1, 1), "--epochs 3", []string{"optimizer", "train_config", "train_progress"}, ""},
		{"dropout, no config", drop, "", []string{"optimizer", "rng_state", "train_progress"}, drop.Layers()[1].Name()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.safetensors")
			c := Checkpoint{Optimizer: OptimizerState{Name: "sgd", Iterations: 7}, Progress: FitProgress{Epoch: 1, Step: 2}, Config: tt.config}
			if err := SaveCheckpoint(path, tt.m, Metadata{}, c, 0.25); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			h, err := readHeader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for k := range h.Meta {
				switch k {
				case "format", "format_version", "arch", "input_shape", "class_names", "rescale", "color_mode", "interpolation":
				default:
					got = append(got, k)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("checkpoint keys %v, want %v", got, tt.want)
			}
			if o := h.Meta["optimizer"]; o != `{"name":"sgd","iterations":7,"learning_rate":0.25}` {
				t.Errorf("optimizer entry %s", o)
			}
			if tt.config != "" && h.Meta["train_config"] != tt.config {
				t.Errorf("train_config %q, want %q", h.Meta["train_config"], tt.config)
			}
			if tt.rng != "" && !strings.HasPrefix(h.Meta["rng_state"], `{"`+tt.rng+`":"`) {
				t.Errorf("rng_state %s, want one entry for %s", h.Meta["rng_state"], tt.rng)
			}
			_, _, back, err := LoadCheckpoint(path)
			if err != nil {
				t.Fatal(err)
			}
			if back.Config != tt.config || back.Optimizer.Name != "sgd" || back.Optimizer.Iterations != 7 || back.Progress != c.Progress {
				t.Errorf("read back %+v, want %+v", back, c)
			}
		})
	}
}

// TestSaveCheckpointBadProgress: a progress whose sums are not finite
// cannot be written as JSON; the save fails with a message naming it.
func TestSaveCheckpointBadProgress(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.safetensors")
	c := Checkpoint{Optimizer: OptimizerState{Name: "sgd"}, Progress: FitProgress{LossSum: math.NaN()}}
	err := SaveCheckpoint(path, smallConvNet(t, 1, 1), Metadata{}, c, 0.1)
	if want := "nn: save checkpoint: progress:"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want one containing %q", err, want)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a file was written: %v", err)
	}
}

// TestDecodeCheckpointRNG checks the "rng_state" entry: it must be an
// object of base64 strings with a valid state for every layer with a
// random stream; a model without one ignores it.
func TestDecodeCheckpointRNG(t *testing.T) {
	drop := dropoutBlobModel(t, 1)
	name := drop.Layers()[1].Name()
	state, err := drop.Layers()[1].(RandStater).RandState()
	if err != nil {
		t.Fatal(err)
	}
	good := base64.StdEncoding.EncodeToString(state)
	opt := `{"name":"sgd","iterations":0,"learning_rate":0.01}`
	prog := `{"epoch":0,"step":0,"loss_sum":0,"metric_sum":0,"samples":0,"val_samples":0}`
	for _, tt := range []struct {
		name string
		m    *Sequential
		rng  string // "-" = no entry
		want string // "" = decoded
	}{
		{"no entry", drop, "-", ""},
		{"good", drop, `{"` + name + `":"` + good + `"}`, ""},
		{"not JSON", drop, `[1]`, `rng_state: expected an object of base64 strings, received "[1]"`},
		{"unknown field is just another layer", smallConvNet(t, 1, 1), `{"x":"AA=="}`, ""},
		{"missing layer", drop, `{}`, "rng_state: no state for layer " + name},
		{"bad base64", drop, `{"` + name + `":"%%"}`, "rng_state of " + name + ": illegal base64"},
		{"bad state", drop, `{"` + name + `":"AAAA"}`, "rng_state of " + name + ": nn: " + name + ": random state:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			kv := map[string]string{metaOptimizer: opt, metaProgress: prog, metaConfig: "cfg"}
			if tt.rng != "-" {
				kv[metaRNG] = tt.rng
			}
			c, err := decodeCheckpoint(tt.m, kv, map[string][]float32{"s": {1}})
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error %v, want one containing %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Config != "cfg" || c.Optimizer.Name != "sgd" || len(c.Optimizer.Slots["s"]) != 1 {
				t.Errorf("checkpoint %+v", c)
			}
		})
	}
}
