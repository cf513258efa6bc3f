package nn

import (
	"bytes"
	"context"
	"testing"
)

// FuzzParseArch: no architecture JSON makes ParseArch or Build panic, and
// what parses prints (MarshalJSON) to JSON that parses to the same
// architecture. Seeds: testdata/fuzz/FuzzParseArch and the cases below.
func FuzzParseArch(f *testing.F) {
	ref, _ := ReferenceModel()
	j, _ := ref.Arch().MarshalJSON()
	f.Add(j)
	f.Add([]byte(`{"input_shape": [28, 28, 1], "layers": [
	  {"class_name": "Conv2D", "config": {"filters": 32, "kernel_size": [3, 3], "activation": "relu"}},
	  {"class_name": "MaxPooling2D", "config": {"pool_size": [2, 2]}},
	  {"class_name": "Conv2D", "config": {"filters": 64, "kernel_size": 3, "padding": "same", "strides": 2}},
	  {"class_name": "AveragePooling2D", "config": {"padding": "same"}},
	  {"class_name": "GlobalAveragePooling2D"},
	  {"class_name": "Dropout", "config": {"rate": 0.5}},
	  {"class_name": "Activation", "config": {"activation": "tanh"}},
	  {"class_name": "Dense", "config": {"units": 10, "activation": "softmax", "use_bias": false, "name": "out"}}]}`))
	f.Add([]byte(`{"input_shape": [4], "layers": [{"class_name": "Dense", "config": {"units": 1000000000}}]}`))
	f.Add([]byte(`{"input_shape": [2, 2, 1], "layers": [{"class_name": "Conv2D", "config": {"filters": 1, "kernel_size": 5}}]}`))
	f.Add([]byte(`{"input_shape": [], "layers": []}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, in []byte) {
		a, err := ParseArch(in)
		if err != nil {
			return
		}
		out, err := a.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON of a parsed architecture: %v", err)
		}
		b, err := ParseArch(out)
		if err != nil {
			t.Fatalf("re-parsing %s: %v", out, err)
		}
		again, _ := b.MarshalJSON()
		if !bytes.Equal(out, again) {
			t.Fatalf("not a fixed point:\n%s\n%s", out, again)
		}
		// Build only what a small model file could hold, as Load does.
		if checkArchSize(a, 1<<20) == nil {
			if m, err := a.Build(); err == nil && m.CountParams() > 1<<20 {
				t.Fatalf("built %d parameters past the size check", m.CountParams())
			}
		}
	})
}

// FuzzReadCheckpoint: no input makes ReadCheckpoint panic; a checkpoint
// that reads restores into its optimizer or returns an error.
func FuzzReadCheckpoint(f *testing.F) {
	m, err := NewSequential([]int{2}, NewDense(3, WithActivation("relu")), NewDropout(0.25), NewDense(1, WithActivation("sigmoid")))
	if err != nil {
		f.Fatal(err)
	}
	m.Init(1)
	for _, opt := range []StatefulOptimizer{NewAdam(0.01), NewRMSprop(0.01)} {
		tr := NewTrainer(m, BinaryCrossentropy{}, opt)
		hist, _ := tr.Fit(context.Background(), newBlobs(1), FitConfig{StepsPerEpoch: 2, BatchSize: 2})
		var b bytes.Buffer
		kv, _ := encodeMeta(m, Metadata{History: hist})
		kv[metaOptimizer] = `{"name":"` + opt.Name() + `","iterations":2,"learning_rate":0.01}`
		kv[metaProgress] = `{"epoch":1,"step":0,"loss_sum":0,"metric_sum":0,"samples":4,"val_samples":0}`
		kv[metaRNG] = `{"dropout_1":"cGNnOgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="}`
		var extra []namedValues
		for k, v := range opt.State().Slots {
			extra = append(extra, namedValues{checkpointPrefix + k, v})
		}
		writeModel(&b, m, kv, extra)
		f.Add(b.Bytes())
	}
	f.Add(savedBytes(f, m, Metadata{}))
	f.Fuzz(func(t *testing.T, in []byte) {
		got, _, c, err := ReadCheckpoint(bytes.NewReader(in))
		if err != nil || c == nil {
			return
		}
		if opt, err := OptimizerByName(c.Optimizer.Name, 0.01); err == nil {
			opt.(StatefulOptimizer).SetState(got.Params(), c.Optimizer)
		}
	})
}

// FuzzHistoryJSON: the "history" metadata a model file carries never makes
// UnmarshalJSON panic, and what it accepts marshals to a fixed point that
// CSV writing accepts too.
func FuzzHistoryJSON(f *testing.F) {
	j, _ := sampleHistory().MarshalJSON()
	f.Add(j)
	f.Add([]byte(`{"epoch":[0,1],"loss":[0.69,null],"accuracy":[0.5,0.7]}`))
	f.Add([]byte(`{"epoch":[],"loss":[]}`))
	f.Add([]byte(`{"epoch":[0],"epoch":[1]}`))
	f.Add([]byte(`{"loss":[1]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		var h History
		if err := h.UnmarshalJSON(in); err != nil {
			return
		}
		out, _ := h.MarshalJSON()
		var h2 History
		if err := h2.UnmarshalJSON(out); err != nil {
			t.Fatalf("re-reading %s: %v", out, err)
		}
		again, _ := h2.MarshalJSON()
		if !bytes.Equal(out, again) {
			t.Fatalf("not a fixed point:\n%s\n%s", out, again)
		}
		var csv bytes.Buffer
		if err := h2.WriteCSV(&csv); err != nil {
			t.Fatal(err)
		}
	})
}
