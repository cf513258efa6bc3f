package nn

import (
	"math"
	"strings"
	"testing"
)

// Normalize: (x − mean[c]) / std[c] for a channel that has both, x
// otherwise. Values chosen exact in binary.
func TestMetadataNormalizeChannels(t *testing.T) {
	meta := Metadata{Mean: []float64{0.5, 0.25, 0}, Std: []float64{0.25, 2, 1}}
	tests := []struct {
		meta Metadata
		x    float32
		c    int
		want float32
	}{
		{meta, 1, 0, 2},                           // (1 − 0.5) / 0.25
		{meta, 1, 1, 0.375},                       // (1 − 0.25) / 2
		{meta, 0.75, 2, 0.75},                     // (0.75 − 0) / 1
		{meta, 0.75, 3, 0.75},                     // no channel 3
		{Metadata{Mean: []float64{0.5}}, 1, 0, 1}, // no std
		{Metadata{Std: []float64{0.5}}, 1, 0, 1},  // no mean
		{Metadata{Mean: []float64{0.5, 0.5}, Std: []float64{0.5}}, 1, 1, 1}, // std for channel 0 only
	}
	for _, tt := range tests {
		if got := tt.meta.Normalize(tt.x, tt.c); got != tt.want {
			t.Errorf("%+v.Normalize(%v, %d) = %v, want %v", tt.meta, tt.x, tt.c, got, tt.want)
		}
	}
}

func TestEncodeDecodeNorm(t *testing.T) {
	tests := []struct {
		name string
		meta Metadata
		want map[string]string
		err  string
	}{
		{"none", Metadata{}, map[string]string{}, ""},
		{"logits only", Metadata{Logits: true}, map[string]string{"logits": "true"}, ""},
		{"mean and std", Metadata{Mean: []float64{0.5, 0, 1}, Std: []float64{1, 2, 0.5}}, map[string]string{"mean": "[0.5,0,1]", "std": "[1,2,0.5]"}, ""},
		{"infinite std", Metadata{Mean: []float64{0, 0, 0}, Std: []float64{1, math.Inf(1), 1}}, nil, "nn: metadata: expected finite means and positive stds, received mean [0 0 0] std [1 +Inf 1]"},
		{"negative std", Metadata{Mean: []float64{0, 0, 0}, Std: []float64{1, 1, -1}}, nil, "positive stds"},
		{"NaN mean", Metadata{Mean: []float64{0, math.NaN(), 0}, Std: []float64{1, 1, 1}}, nil, "finite means"},
		{"too many", Metadata{Mean: []float64{0, 0, 0, 0}, Std: []float64{1, 1, 1, 1}}, nil, "nn: metadata: mean/std: expected 3 values (one per input channel), received 4"},
		{"counts", Metadata{Mean: []float64{0, 0}, Std: []float64{1}}, nil, "nn: metadata: expected as many mean as std values, received 2 and 1"},
		{"reserved mean", Metadata{Extra: map[string]string{"mean": "[0]"}}, nil, `nn: save: metadata key "mean" is reserved; set the Metadata field instead`},
		{"reserved std", Metadata{Extra: map[string]string{"std": "[0]"}}, nil, `metadata key "std" is reserved`},
	}
	for _, tt := range tests {
		kv := map[string]string{}
		err := encodeNorm(kv, tt.meta, []int{4, 4, 3})
		if (tt.err == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.err)
		}
		if err != nil {
			continue
		}
		if len(kv) != len(tt.want) {
			t.Errorf("%s: entries %v, want %v", tt.name, kv, tt.want)
		}
		for k, v := range tt.want {
			if kv[k] != v {
				t.Errorf("%s: %s = %q, want %q", tt.name, k, kv[k], v)
			}
		}
		// And back.
		var back Metadata
		for k, v := range kv {
			if err := decodeNorm(&back, k, v); err != nil {
				t.Fatalf("%s: decode %s: %v", tt.name, k, err)
			}
		}
		if back.Logits != tt.meta.Logits || len(back.Mean) != len(tt.meta.Mean) || len(back.Std) != len(tt.meta.Std) {
			t.Errorf("%s: decoded %+v", tt.name, back)
		}
	}
	for _, tt := range []struct{ k, v, want string }{
		{"mean", "[0.5,x]", `nn: metadata: mean: expected a JSON list of numbers (or a boolean for logits), received "[0.5,x]"`},
		{"std", "{}", `nn: metadata: std: expected a JSON list`},
		{"logits", "yes", `nn: metadata: logits: expected a JSON list of numbers (or a boolean for logits), received "yes"`},
	} {
		var m Metadata
		if err := decodeNorm(&m, tt.k, tt.v); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("decode %s=%s: %v, want %q", tt.k, tt.v, err, tt.want)
		}
	}
	var m Metadata
	if err := decodeNorm(&m, "logits", "false"); err != nil || m.Logits {
		t.Errorf("logits=false: %v, %v", m.Logits, err)
	}
}
