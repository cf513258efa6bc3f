package keras

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile("testdata/tutorial_small.h5")
	if err != nil {
		t.Fatal(err)
	}
	goodK3, err := os.ReadFile("testdata/tutorial_small.keras")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "nope.h5"), "no such file"},
		{"empty", write("empty.h5", nil), "not an HDF5 file"},
		{"wrong signature", write("sig.h5", append([]byte("\x89HDX\r\n\x1a\n"), good[8:]...)), "not an HDF5 file"},
		{"text", write("text.h5", []byte("this is not a model")), "not an HDF5 file"},
		{"truncated h5", write("trunc.h5", good[:len(good)/2]), "outside the file"},
		{"truncated keras", write("trunc.keras", goodK3[:len(goodK3)/2]), ".keras archive"},
		{"2 GiB declared in a small file", "testdata/huge.h5", "weight dense/kernel:0: expected shape [13 1], received [536870912 1]"},
		{"unsupported layer", "testdata/lambda.h5", `layer "my_lambda" of class Lambda is not supported (supported classes: InputLayer, Conv2D,`},
		{"weights only", "testdata/tutorial_small.weights_k2.h5", "holds only weights (model.save_weights)"},
		{"weights only, Keras 3", "testdata/tutorial_small.weights.h5", "holds only weights (model.save_weights)"},
		{"not keras", "../hdf5/testdata/earliest.h5", "no model_config attribute"},
		{"cycle in the HDF5 file", "../hdf5/testdata/bad_cycle.h5", "no model_config attribute"},
	}
	for _, tc := range cases {
		_, _, err := Load(tc.path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want one line containing %q", tc.name, err, tc.want)
		}
	}
}

func TestBadConfigs(t *testing.T) {
	input := `{"class_name": "InputLayer", "config": {"batch_input_shape": [null, 8, 8, 3], "name": "in"}, "name": "in", "inbound_nodes": []}`
	fn := func(layers ...string) string {
		return `{"class_name": "Functional", "config": {"name": "m", "layers": [` + input + `,` + strings.Join(layers, ",") +
			`], "input_layers": [["in", 0, 0]], "output_layers": [["b", 0, 0]]}}`
	}
	layer := func(class, name, cfg string, inputs ...string) string {
		var nodes []string
		for _, in := range inputs {
			nodes = append(nodes, `["`+in+`", 0, 0, {}]`)
		}
		return `{"class_name": "` + class + `", "name": "` + name + `", "config": {"name": "` + name + `"` + cfg + `}, "inbound_nodes": [[` + strings.Join(nodes, ",") + `]]}`
	}
	conv := `, "filters": 4, "kernel_size": [3, 3], "padding": "same"`
	cases := []struct {
		name, config, want string
	}{
		{"not JSON", `{`, "not valid JSON"},
		{"subclassed", `{"class_name": "MyModel", "config": {}}`, `model class "MyModel" is not supported`},
		{"cycle", fn(layer("Conv2D", "a", conv, "b"), layer("Conv2D", "b", conv, "a")), "cycle"},
		{"unknown input", fn(layer("Conv2D", "b", conv, "nowhere")), "nowhere"},
		{"channels first", fn(layer("Conv2D", "b", conv+`, "data_format": "channels_first"`, "in")), `uses data_format "channels_first"`},
		{"custom layer", fn(layer("MyBlock", "b", "", "in")), `layer "b" of class MyBlock is not supported (supported classes:`},
		{"recurrent", fn(layer("LSTM", "b", `, "units": 4`, "in")), `layer "b" of class LSTM is not supported`},
		{"empty nested model", fn(layer("Sequential", "b", "", "in")), `nested model "b": the model has no layers`},
		{"bad activation", fn(layer("Conv2D", "b", conv+`, "activation": "gelu"`, "in")), `activation "gelu" is not supported`},
		{"bad kernel", fn(layer("Conv2D", "b", `, "filters": 4, "kernel_size": "big"`, "in")), "kernel_size: expected an integer or a pair of integers"},
		{"huge weights", fn(layer("Flatten", "f", "", "in"), layer("Dense", "b", `, "units": 100000000`, "f")), "declares 19300000000 weight values; expected at most 268435456"},
		{"huge activations", `{"class_name": "Sequential", "config": [{"class_name": "Conv2D", "config": {"name": "c", "batch_input_shape": [null, 100000, 100000, 1], "filters": 1, "kernel_size": 1}}]}`, "past 268435456 values (1 GiB)"},
		{"unsized input", `{"class_name": "Sequential", "config": [{"class_name": "Conv2D", "config": {"name": "c", "batch_input_shape": [null, null, null, 3], "filters": 1, "kernel_size": 1}}]}`, "input shape [null, null, null, 3] has unknown (None) dimensions"},
		{"no input shape", `{"class_name": "Sequential", "config": [{"class_name": "Dense", "config": {"name": "d", "units": 1}}]}`, "does not give the input shape"},
	}
	for _, tc := range cases {
		_, _, err := FromJSON([]byte(tc.config))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want one line containing %q", tc.name, err, tc.want)
		}
	}
}

// TestFeatureAxis: on features (Dense outputs), axis 1 is the last axis.
func TestFeatureAxis(t *testing.T) {
	cfg := `{"class_name": "Functional", "config": {"name": "m", "layers": [
		{"class_name": "InputLayer", "name": "in", "config": {"batch_input_shape": [null, 4], "name": "in"}, "inbound_nodes": []},
		{"class_name": "Dense", "name": "a", "config": {"name": "a", "units": 3}, "inbound_nodes": [[["in", 0, 0, {}]]]},
		{"class_name": "Dense", "name": "b", "config": {"name": "b", "units": 2}, "inbound_nodes": [[["in", 0, 0, {}]]]},
		{"class_name": "Concatenate", "name": "c", "config": {"name": "c", "axis": 1}, "inbound_nodes": [[["a", 0, 0, {}], ["b", 0, 0, {}]]]},
		{"class_name": "BatchNormalization", "name": "bn", "config": {"name": "bn", "axis": [1]}, "inbound_nodes": [[["c", 0, 0, {}]]]}],
		"input_layers": [["in", 0, 0]], "output_layers": [["bn", 0, 0]]}}`
	m, _, err := FromJSON([]byte(cfg))
	if err != nil {
		t.Fatal(err)
	}
	if s := m.OutputShape(); len(s) != 1 || s[0] != 5 {
		t.Errorf("output shape %v, want [5]", s)
	}
	bad := strings.Replace(cfg, `"axis": 1}`, `"axis": 2}`, 1)
	if _, _, err := FromJSON([]byte(bad)); err == nil || !strings.Contains(err.Error(), "works on axis 2") {
		t.Errorf("axis 2 of features: err = %v", err)
	}
}

func TestWrongWeights(t *testing.T) {
	cfg, err := os.ReadFile("testdata/bn_seq.keras") // not JSON: a zip
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadWeights("testdata/tutorial_small.weights_k2.h5", cfg); err == nil {
		t.Error("LoadWeights accepted a zip as its config")
	}
	arch, err := os.ReadFile("testdata/tutorial_small.json")
	if err != nil {
		t.Fatal(err)
	}
	// bn_seq's weights do not fit the tutorial model.
	if _, _, err := LoadWeights("testdata/bn_seq.h5", arch); err == nil || !strings.Contains(err.Error(), "layers with weights") {
		t.Errorf("err = %v", err)
	}
}

// FuzzRead feeds arbitrary bytes to Read: never a panic, one-line errors.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"bn_seq.h5", "bn_seq.keras", "lambda.h5"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, err := Read(bytes.NewReader(data), int64(len(data)))
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("multi-line error: %q", err)
		}
	})
}

func TestIsKerasName(t *testing.T) {
	for name, want := range map[string]bool{"a.h5": true, "B.H5": true, "m.keras": true, "x.hdf5": true,
		"m.safetensors": false, "h5": false, "m.onnx": false, "m.weights.h5": true} {
		if got := IsKerasName(name); got != want {
			t.Errorf("IsKerasName(%q) = %v", name, got)
		}
	}
}

// FuzzFromJSON feeds arbitrary architectures to FromJSON: never a panic,
// one-line errors, and never more weights than maxConfigParams.
func FuzzFromJSON(f *testing.F) {
	for _, name := range []string{"tutorial_small.json", "tutorial_small.config.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"class_name": "Functional", "config": {"name": "m", "layers": [
		{"class_name": "InputLayer", "name": "in", "config": {"batch_input_shape": [null, 6, 6, 2], "name": "in"}, "inbound_nodes": []},
		{"class_name": "DepthwiseConv2D", "name": "d", "config": {"name": "d", "kernel_size": 3, "padding": "same"}, "inbound_nodes": [[["in", 0, 0, {}]]]},
		{"class_name": "SeparableConv2D", "name": "s", "config": {"name": "s", "filters": 2, "kernel_size": 3, "padding": "same", "activation": "relu6"}, "inbound_nodes": [[["in", 0, 0, {}]]]},
		{"class_name": "Add", "name": "a", "config": {"name": "a"}, "inbound_nodes": [[["d", 0, 0, {}], ["s", 0, 0, {}]]]},
		{"class_name": "Sequential", "name": "n", "config": {"name": "n", "layers": [{"class_name": "Flatten", "config": {"name": "f"}}, {"class_name": "Dense", "config": {"name": "o", "units": 2}}]}, "inbound_nodes": [[["a", 0, 0, {}]]]}],
		"input_layers": [["in", 0, 0]], "output_layers": [["n", 0, 0]]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, _, err := FromJSON(data)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error: %q", err)
			}
			return
		}
		n := 0
		for _, p := range m.Params() {
			n += len(p.Value)
		}
		if n > maxConfigParams {
			t.Errorf("%d weights, more than %d", n, maxConfigParams)
		}
	})
}
