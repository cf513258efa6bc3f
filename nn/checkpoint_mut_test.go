package nn

import (
	"strings"
	"testing"
)

// TestDecodeCheckpointCounts checks the counts a checkpoint's metadata may
// hold: zero (a run saved before its first step, without validation) is
// accepted, each negative count refused, and optimizer tensors without
// the "optimizer" entry refused.
func TestDecodeCheckpointCounts(t *testing.T) {
	m := smallConvNet(t, 1, 1)
	opt := `{"name":"sgd","iterations":0,"learning_rate":0.01}`
	zero := `{"epoch":0,"step":0,"loss_sum":0,"metric_sum":0,"samples":0,"val_samples":0}`
	tests := []struct {
		name      string
		opt, prog string
		slots     map[string][]float32
		want      string // "" = decoded
	}{
		{"all zero", opt, zero, nil, ""},
		{"iterations -1", `{"name":"sgd","iterations":-1}`, zero, nil, "checkpoint: optimizer: expected"},
		{"no optimizer name", `{"iterations":1}`, zero, nil, "checkpoint: optimizer: expected"},
		{"epoch -1", opt, `{"epoch":-1}`, nil, "train_progress: expected non-negative"},
		{"step -1", opt, `{"step":-1}`, nil, "train_progress: expected non-negative"},
		{"samples -1", opt, `{"samples":-1}`, nil, "train_progress: expected non-negative"},
		{"val_samples -1", opt, `{"val_samples":-1}`, nil, "train_progress: expected non-negative"},
		{"plain model", "", "", nil, ""},
		{"one slot without optimizer", "", "", map[string][]float32{"m": {1}}, `optimizer tensors without the "optimizer" metadata`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kv := map[string]string{}
			if tt.opt != "" {
				kv[metaOptimizer], kv[metaProgress] = tt.opt, tt.prog
			}
			c, err := decodeCheckpoint(m, kv, tt.slots)
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error %v, want one containing %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (c == nil) != (tt.opt == "") {
				t.Errorf("checkpoint %+v for optimizer entry %q", c, tt.opt)
			}
		})
	}
}
