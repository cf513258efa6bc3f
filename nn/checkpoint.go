package nn

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// A checkpoint is a model file (see FORMAT.md) that also holds what is
// needed to continue training exactly where it stopped, as Keras'
// ModelCheckpoint with save_weights_only=False keeps the optimizer:
//
//   - tensors "optimizer/<slot>/<parameter>" (F32, 1-D): the optimizer's
//     slots, e.g. "optimizer/velocity/conv2d_1/kernel" for RMSprop;
//   - __metadata__ "optimizer": {"name", "iterations", "learning_rate"};
//   - __metadata__ "train_progress": the FitProgress (epoch, step, partial
//     sums, samples drawn), in snake_case;
//   - __metadata__ "rng_state": base64 random-stream states of layers that
//     have one (Dropout), by layer name, when there are any;
//   - __metadata__ "train_config": the caller's description of the run
//     (the command line stores its flags), verbatim.
//
// Every Convscope reader opens a checkpoint as a model (Load and LoadFile
// skip the optimizer tensors), and LoadCheckpoint opens a plain model file
// as a model without training state.

// checkpointPrefix starts the names of a checkpoint's optimizer tensors.
const checkpointPrefix = "optimizer/"

// Checkpoint is a checkpoint's training state.
type Checkpoint struct {
	Optimizer OptimizerState
	Progress  FitProgress
	// Config is the caller's description of the run, stored verbatim.
	Config string
}

// Metadata keys of a checkpoint (reserved: not allowed in Metadata.Extra).
const (
	metaOptimizer = "optimizer"
	metaProgress  = "train_progress"
	metaRNG       = "rng_state"
	metaConfig    = "train_config"
)

// ckptOptimizer is the "optimizer" metadata entry.
type ckptOptimizer struct {
	Name         string  `json:"name"`
	Iterations   int     `json:"iterations"`
	LearningRate float64 `json:"learning_rate"`
}

// ckptProgress is the "train_progress" metadata entry.
type ckptProgress struct {
	Epoch      int     `json:"epoch"`
	Step       int     `json:"step"`
	LossSum    float64 `json:"loss_sum"`
	MetricSum  float64 `json:"metric_sum"`
	Samples    int64   `json:"samples"`
	ValSamples int64   `json:"val_samples"`
}

// SaveCheckpoint writes m, meta and the training state c to path,
// atomically as SaveFile does. The optimizer's learning rate is recorded
// from lr (for information; resuming takes it from the caller).
func SaveCheckpoint(path string, m *Sequential, meta Metadata, c Checkpoint, lr float64) error {
	kv, err := encodeMeta(m, meta)
	if err != nil {
		return err
	}
	oj, _ := json.Marshal(ckptOptimizer{c.Optimizer.Name, c.Optimizer.Iterations, lr})
	p := c.Progress
	pj, err := json.Marshal(ckptProgress{p.Epoch, p.Step, p.LossSum, p.MetricSum, p.Samples, p.ValSamples})
	if err != nil {
		return fmt.Errorf("nn: save checkpoint: progress: %w", err)
	}
	kv[metaOptimizer], kv[metaProgress] = string(oj), string(pj)
	if c.Config != "" {
		kv[metaConfig] = c.Config
	}
	rng := map[string]string{}
	for _, l := range m.Layers() {
		if rs, ok := l.(RandStater); ok {
			b, err := rs.RandState()
			if err != nil {
				return fmt.Errorf("nn: save checkpoint: %w", err)
			}
			rng[l.Name()] = base64.StdEncoding.EncodeToString(b)
		}
	}
	if len(rng) > 0 {
		rj, _ := json.Marshal(rng)
		kv[metaRNG] = string(rj)
	}
	keys := make([]string, 0, len(c.Optimizer.Slots))
	for k := range c.Optimizer.Slots {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	extra := make([]namedValues, len(keys))
	for i, k := range keys {
		extra[i] = namedValues{checkpointPrefix + k, c.Optimizer.Slots[k]}
	}
	return saveRaw(path, m, kv, extra, nil)
}

// LoadCheckpoint reads a model file and its training state. For a model
// file without one (saved by SaveFile), the returned *Checkpoint is nil.
// Random-stream states are restored into the model's layers.
func LoadCheckpoint(path string) (*Sequential, Metadata, *Checkpoint, error) {
	f, size, err := openSized(path)
	if err != nil {
		return nil, Metadata{}, nil, err
	}
	defer f.Close()
	m, meta, c, err := readCheckpoint(bufio.NewReaderSize(f, stChunk), size)
	if err != nil {
		return nil, Metadata{}, nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, meta, c, nil
}

// ReadCheckpoint is LoadCheckpoint from a reader (see Load for how its
// length is used).
func ReadCheckpoint(r io.Reader) (*Sequential, Metadata, *Checkpoint, error) {
	return readCheckpoint(newBufReader(r), readerSize(r))
}

func readCheckpoint(r io.Reader, size int64) (*Sequential, Metadata, *Checkpoint, error) {
	slots := map[string][]float32{}
	m, meta, kv, err := loadRaw(r, size, slots)
	if err != nil {
		return nil, Metadata{}, nil, err
	}
	c, err := decodeCheckpoint(m, kv, slots)
	if err != nil {
		return nil, Metadata{}, nil, err
	}
	return m, meta, c, nil
}

// decodeCheckpoint reads the training state from a checkpoint's metadata
// and optimizer tensors, or returns nil for a plain model file.
func decodeCheckpoint(m *Sequential, kv map[string]string, slots map[string][]float32) (*Checkpoint, error) {
	oj, ok := kv[metaOptimizer]
	if !ok {
		if len(slots) > 0 {
			return nil, fmt.Errorf("nn: checkpoint: optimizer tensors without the %q metadata", metaOptimizer)
		}
		return nil, nil
	}
	var o ckptOptimizer
	if err := strictJSON(oj, &o); err != nil || o.Name == "" || o.Iterations < 0 {
		return nil, fmt.Errorf("nn: checkpoint: optimizer: expected {\"name\", \"iterations\", \"learning_rate\"}, received %q", stExcerpt(oj))
	}
	var p ckptProgress
	if err := strictJSON(kv[metaProgress], &p); err != nil || p.Epoch < 0 || p.Step < 0 || p.Samples < 0 || p.ValSamples < 0 {
		return nil, fmt.Errorf("nn: checkpoint: train_progress: expected non-negative epoch, step and sample counts, received %q", stExcerpt(kv[metaProgress]))
	}
	if rj, ok := kv[metaRNG]; ok {
		var rng map[string]string
		if err := strictJSON(rj, &rng); err != nil {
			return nil, fmt.Errorf("nn: checkpoint: rng_state: expected an object of base64 strings, received %q", stExcerpt(rj))
		}
		for _, l := range m.Layers() {
			rs, ok := l.(RandStater)
			if !ok {
				continue
			}
			s, ok := rng[l.Name()]
			if !ok {
				return nil, fmt.Errorf("nn: checkpoint: rng_state: no state for layer %s", l.Name())
			}
			b, err := base64.StdEncoding.DecodeString(s)
			if err == nil {
				err = rs.SetRandState(b)
			}
			if err != nil {
				return nil, fmt.Errorf("nn: checkpoint: rng_state of %s: %v", l.Name(), err)
			}
		}
	}
	return &Checkpoint{
		Optimizer: OptimizerState{Name: o.Name, Iterations: o.Iterations, Slots: slots},
		Progress:  FitProgress{p.Epoch, p.Step, p.LossSum, p.MetricSum, p.Samples, p.ValSamples},
		Config:    kv[metaConfig],
	}, nil
}

// strictJSON decodes s into v, refusing unknown fields.
func strictJSON(s string, v any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
